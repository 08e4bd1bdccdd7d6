//! A spinner on standard error for long runs, drawn only when standard
//! error is a terminal (so logs and pipes never see it).

use std::io::IsTerminal;
use std::time::Duration;

/// The run's progress line; does nothing when stderr is not a terminal.
pub struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    /// Starts the spinner with `msg`, if standard error is a terminal.
    pub fn start(msg: &str) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message(msg.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress(Some(bar))
    }

    /// Replaces the message (the current stage).
    pub fn set(&self, msg: String) {
        if let Some(bar) = &self.0 {
            bar.set_message(msg);
        }
    }

    /// Removes the line.
    pub fn finish(self) {
        if let Some(bar) = self.0 {
            bar.finish_and_clear();
        }
    }
}
