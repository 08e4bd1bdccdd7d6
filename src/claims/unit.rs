//! What a number counts: currencies, measures, time spans, people and
//! things, in Arabic and English, each normalized to a key; and the
//! qualifiers that change how two figures compare.

use super::token::{Tok, Token};
use super::words::{Endings, WordMap};
use std::sync::OnceLock;

/// The dimension of a unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dim {
    /// A currency (never converted).
    Money,
    /// Lengths, base metres.
    Length,
    /// Masses, base grams.
    Mass,
    /// Volumes, base litres.
    Volume,
    /// Areas, base square metres.
    Area,
    /// Time spans, base seconds.
    Time,
    /// People and things counted.
    Count,
}

impl Dim {
    /// The base unit key of a measured dimension.
    pub fn base(self) -> Option<&'static str> {
        Some(match self {
            Dim::Length => "m",
            Dim::Mass => "g",
            Dim::Volume => "l",
            Dim::Area => "m2",
            Dim::Time => "s",
            Dim::Money | Dim::Count => return None,
        })
    }
}

/// One unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Unit {
    /// Normalized key (`USD`, `km`, `soldier`).
    pub key: &'static str,
    /// Its dimension.
    pub dim: Dim,
    /// How many base units one of it is (1 for money and counts).
    pub factor: f64,
    /// The form is a dual (زيارتين, لتران): it carries the count 2 itself.
    pub dual: bool,
    /// For a currency's sub-unit (cent, هللة): how many make one.
    pub sub: f64,
}

/// `key|dim|factor|forms` — forms separated by commas, multi-word forms
/// with spaces; a form ending in `*2` is a dual.
const TABLE: &str = "\
USD|$|1|$,us $,us$,dollar,dollars,دولار,دولارا,دولارات,us dollar,us dollars,u.s. dollars,american dollars,دولار امريكي,دولار أمريكي,دولارا امريكيا,دولارات امريكيه,usd,dólares,bucks,buck,دولاران*2,دولارين*2
EUR|$|1|euro,euros,يورو,اورو,eur,€
GBP|$|1|pound sterling,pounds sterling,british pounds,sterling,جنيه استرليني,جنيهات استرلينيه,جنيه إسترليني,gbp,£
EGP|$|1|egyptianpound,geneh,genihat masriya,ج.م,le,l.e,جنيه مصري,جنيهات مصريه,جنيها مصريا,egyptian pounds,egyptian pound,egp
Pound|$|1|pound,pounds,جنيه,جنيها,جنيهات,جنيهين*2
SAR|$|1|saudiriyal,ريال سعودي,ريالات سعوديه,ريالا سعوديا,saudi riyals,saudi riyal,sar
QAR|$|1|ريال قطري,ريالات قطريه,ريالا قطريا,qatari riyals,qatari riyal,qar
Riyal|$|1|ريال,ريالا,ريالات,riyal,riyals,ريالين*2
KWD|$|1|دينار كويتي,دنانير كويتيه,دينارا كويتيا,kuwaiti dinars,kuwaiti dinar,kwd
LYD|$|1|دينار ليبي,دنانير ليبيه,دينارا ليبيا,libyan dinars,libyan dinar,lyd
IQD|$|1|دينار عراقي,دنانير عراقيه,دينارا عراقيا,iraqi dinars,iraqi dinar,iqd
JOD|$|1|دينار اردني,دنانير اردنيه,دينارا اردنيا,jordanian dinars,jordanian dinar,jod
TND|$|1|دينار تونسي,دنانير تونسيه,دينارا تونسيا,tunisian dinars,tnd
DZD|$|1|دينار جزائري,دنانير جزائريه,dzd
Dinar|$|1|دينار,دينارا,دنانير,dinar,dinars,دينارين*2
AED|$|1|درهم اماراتي,دراهم اماراتيه,درهما اماراتيا,aed,dirhams,dirham
MAD|$|1|درهم مغربي,دراهم مغربيه
Dirham|$|1|درهم,درهما,دراهم
TRY|$|1|ليره تركيه,ليرات تركيه,turkish lira
LBP|$|1|ليره لبنانيه,ليرات لبنانيه,lebanese pounds,lbp
SYP|$|1|ليره سوريه,ليرات سوريه,syrian pounds,syp
Lira|$|1|ليره,ليرات,lira,liras
RUB|$|1|روبل,روبلات,روبلا,ruble,rubles,rouble,roubles,rub
CNY|$|1|يوان,yuan,chinese yuan,kuai,rmb,cny,元
JPY|$|1|ين ياباني,yen,jpy,¥
INR|$|1|روبيه,روبيات,rupee,rupees,inr,rs,₹
ILS|$|1|شيكل,شيقل,شواقل,شيكلات,shekel,shekels,ils,₪
MYR|$|1|ringgit,ringgits,malaysia ringgit,malaysian ringgit,malaysia ringgits,malaysian ringgits,myr,rm
MNT|$|1|tugrik,tugriks,mnt
CHF|$|1|swiss francs,franc suisse,chf
Franc|$|1|franc,francs,فرنك,فرنكات
Cent|$|1|cent,cents,سنت,سنتات,سينت,سينتات,¢,c,penny,pennies
Pence|$|1|pence,p
AUD|$|1|australian dollars,australian dollar,aud,a$
CAD|$|1|canadian dollars,canadian dollar,cad,c$,c $
HKD|$|1|hong kong dollars,hk$
Peso|$|1|peso,pesos
Peseta|$|1|peseta,pesetas
Mark|$|1|marks,deutsche marks,finnish markka,markka
Guilder|$|1|guilders,dutch guilders
Rial|$|1|rial,rials
Krona|$|1|krona,kronor,krone,kroner
Won|$|1|won
Rand|$|1|rand
Satoshi|$|1|satoshi,satoshis
CRC|$|1|₡,colón,colones
GEL|$|1|₾,lari
LAK|$|1|₭,kip
Bitcoin|$|1|bitcoin,bitcoins,بيتكوين,btc,₿
km|L|1000|km,kms,kilometer,kilometers,kilometre,kilometres,كلم,كم,كيلومتر,كيلومترات,كيلو متر,كيلو مترات,كيلومترا
m|L|1|meter,meters,metre,metres,متر,مترا,امتار,مترات,مترين*2,متران*2
cm|L|0.01|cm,centimeter,centimeters,centimetre,centimetres,سم,سنتيمتر,سنتيمترات,سنتيمترا
mm|L|0.001|mm,millimeter,millimeters,millimetre,millimetres,مم,مليمتر,ملليمتر,مليمترات
mile|L|1609.344|mile,miles,mi,ميل,اميال,ميلا,ميلين*2
ft|L|0.3048|ft,foot,feet,',قدم,اقدام,قدما
in|L|0.0254|inch,inches,'',بوصه,بوصات,انش,انشات,\"
yd|L|0.9144|yd,yard,yards,ياردة,يارده,ياردات
nmi|L|1852|nautical mile,nautical miles,ميل بحري,اميال بحريه
kg|M|1000|kg,kgs,k.g,k.gs,kilogram,kilograms,kilogramme,kilogrammes,كغ,كجم,كيلوغرام,كيلوجرام,كيلوغرامات,كيلوجرامات,كيلو غرام,كيلو جرام,كيلوغراما
g|M|1|g,gs,غم,gram,grams,gramme,grammes,غرام,جرام,غرامات,جرامات,غراما,جراما,غ,جم
mg|M|0.001|mg,ملج,milligram,milligrams,ملغ,ملغم,مليغرام,ملليغرام,ملليجرام,مليجرام
t|M|1000000|ton,tons,tonne,tonnes,طن,اطنان,طنا,طنين*2
oz|M|28.349523125|oz,ounce,ounces,اونصه,اونصات,اوقيه,اونصتان*2,اونصتين*2
lb|M|453.59237|lb,lbs,pounds of
l|V|1|l,liter,liters,litre,litres,لتر,ليتر,لترات,ليترات,لترا,لتران*2,لترين*2
ml|V|0.001|ml,mls,milliliter,milliliters,millilitre,millilitres,مل,ملي لتر,ميليلتر,مليلتر,ملليلتر,ملي ليتر,ميلي لتر
hl|V|100|hectolitre,hectolitres,hectoliter,hectoliters,هكتوليتر,هكتو ليتر,هكتولتر,هكتو لتر
gal|V|3.785411784|gallon,gallons,gal,gals,جالون,جالونات,غالون,غالونات
cup|V|0.2365882365|cup,cups,كوب,اكواب,كوبين*2
barrel|V|158.987294928|barrel,barrels,برميل,براميل,برميلا,bpd
km2|A|1000000|square kilometers,square kilometres,sq km,km2,km²,كيلومتر مربع,كيلومترات مربعه,كلم مربع,كم مربع,كم2,كلم2,كم 2,كلم 2,كم ٢,كلم ٢
m2|A|1|square meters,square metres,sq m,m2,m²,متر مربع,امتار مربعه,مترا مربعا,م 2,م ٢,م²
ha|A|10000|hectare,hectares,هكتار,هكتارات
donum|A|1000|دونم,دونمات,dunam,dunams
year|T|31557600|year,years,yr,yrs,سنه,سنوات,سنين,عام,اعوام,عاما,سنتين*2,سنتان*2,عامين*2,عامان*2
month|T|2629800|month,months,شهر,اشهر,شهور,شهرا,شهرين*2,شهران*2
week|T|604800|week,weeks,اسبوع,اسابيع,اسبوعا,اسبوعين*2,اسبوعان*2
day|T|86400|day,days,يوم,ايام,يوما,يومين*2,يومان*2
hour|T|3600|hour,hours,hr,hrs,ساعه,ساعات,ساعتين*2,ساعتان*2
minute|T|60|minute,minutes,min,mins,دقيقه,دقائق,دقيقتين*2,دقيقتان*2
second|T|1|second,seconds,sec,secs,ثانيه,ثوان,ثواني,ثانيتين*2
soldier|N|1|soldier,soldiers,troops,جندي,جنود,جنديا,عسكري,عسكريين,جنديين*2
fighter|N|1|fighter,fighters,militants,مقاتل,مقاتلين,مقاتلا,مسلح,مسلحين
person|N|1|person,persons,people,شخص,اشخاص,شخصا,نسمه,شخصين*2
civilian|N|1|civilian,civilians,مدني,مدنيين,مدنيا
migrant|N|1|migrant,migrants,مهاجر,مهاجرين,مهاجرا,مهاجرون
refugee|N|1|refugee,refugees,لاجئ,لاجئين,لاجئا,لاجئون
child|N|1|child,children,طفل,اطفال,طفلا,اولاد,ولد,ابناء,طفلين*2
woman|N|1|woman,women,امراه,نساء,سيده,سيدات
dead|N|1|dead,killed,deaths,fatalities,قتيل,قتلي,قتيلا,ضحيه,ضحايا,شهيد,شهداء,وفاه,وفيات
wounded|N|1|wounded,injured,injuries,جريح,جرحي,مصاب,مصابين,اصابه,اصابات
prisoner|N|1|prisoner,prisoners,detainees,اسير,اسري,معتقل,معتقلين,سجين,سجناء
visit|N|1|visit,visits,زياره,زيارات,زيارتين*2,زيارتان*2
time|N|1|times,مره,مرات,مرتين*2,مرتان*2
country|N|1|country,countries,nations,دوله,دول,بلد,بلدان,دولتين*2
ship|N|1|ship,ships,warships,vessels,boats,سفينه,سفن,قارب,قوارب,بارجه,سفينتين*2
aircraft|N|1|aircraft,planes,jets,طائره,طائرات,مقاتله,مقاتلات,طائرتين*2
missile|N|1|missile,missiles,rockets,صاروخ,صواريخ,صاروخا,صاروخين*2
vehicle|N|1|vehicle,vehicles,tanks,cars,مركبه,مركبات,دبابه,دبابات,سياره,سيارات,اليه,اليات
property|N|1|property,properties,عقار,عقارات
member|N|1|member,members,عضو,اعضاء,عضوا
vote|N|1|vote,votes,صوت,اصوات,صوتا
job|N|1|job,jobs,وظيفه,وظائف,وظيفة
house|N|1|house,houses,homes,منزل,منازل,منزلا,بيت,بيوت
meeting|N|1|meeting,meetings,اجتماع,اجتماعات,لقاء,لقاءات,اجتماعين*2,لقاءين*2
attack|N|1|attack,attacks,strikes,airstrikes,هجوم,هجمات,غاره,غارات,ضربه,ضربات,هجومين*2
";

/// Forms indexed by their first word: `(words, unit)`, longest first.
type Index = WordMap<Vec<(Vec<String>, Unit)>>;

fn index() -> &'static Index {
    static I: OnceLock<Index> = OnceLock::new();
    I.get_or_init(|| {
        let mut m = Index::default();
        for line in TABLE.lines() {
            let mut parts = line.splitn(4, '|');
            let (Some(key), Some(dim), Some(factor), Some(forms)) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let dim = match dim {
                "$" => Dim::Money,
                "L" => Dim::Length,
                "M" => Dim::Mass,
                "V" => Dim::Volume,
                "A" => Dim::Area,
                "T" => Dim::Time,
                _ => Dim::Count,
            };
            let factor: f64 = factor.parse().unwrap_or(1.0);
            for form in forms.split(',') {
                let (form, dual) = match form.strip_suffix("*2") {
                    Some(f) => (f, true),
                    None => (form, false),
                };
                let words: Vec<String> = form
                    .split(' ')
                    .flat_map(|w| {
                        // "u.s." and "m²" are several tokens: split like the
                        // tokenizer does.
                        super::token::tokenize(w).into_iter().map(|t| t.norm)
                    })
                    .collect();
                let Some(first) = words.first().cloned() else {
                    continue;
                };
                let sub = match key {
                    "Cent" => 100.0,
                    _ => 0.0,
                };
                let key: &'static str = key;
                m.entry(first).or_default().push((
                    words,
                    Unit {
                        key,
                        dim,
                        factor,
                        dual,
                        sub,
                    },
                ));
            }
        }
        for v in m.values_mut() {
            v.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        }
        m
    })
}

/// Matches a unit starting at token `i`; returns the unit and the token
/// after it. `glued` allows one-letter symbols (`km`, `m`, `l`) only.
pub fn unit_at(toks: &[Token], i: usize) -> Option<(Unit, usize)> {
    let t = toks.get(i)?;
    if t.newline_before {
        return None;
    }
    let idx = index();
    let try_word = |w: &str| -> Option<(Unit, usize)> {
        for (words, unit) in idx.get(w)? {
            let n = words.len();
            if i + n > toks.len() {
                continue;
            }
            // One-letter symbols and "in" only count glued to the figure
            // ("5g", "3l"), never spaced ("5 in the morning").
            if n == 1
                && (words[0].chars().count() == 1
                    && words[0] != "$"
                    && !matches!(
                        words[0].as_str(),
                        "€" | "£" | "¥" | "₹" | "₪" | "¢" | "元" | "₡" | "₾" | "₭"
                    ))
                && t.space_before
            {
                continue;
            }
            if words[1..]
                .iter()
                .zip(&toks[i + 1..i + n])
                .all(|(w, t)| *w == t.norm && !t.newline_before)
            {
                return Some((*unit, i + n));
            }
        }
        None
    };
    let heads = heads(t);
    if heads & 1 != 0
        && let Some(x) = try_word(&t.norm)
    {
        return Some(x);
    }
    if t.kind == Tok::Word && t.upper && t.norm.len() == 3 && t.norm.is_ascii() {
        let code = t.norm.to_ascii_uppercase();
        if let Some(&c) = ISO.iter().find(|&&c| c == code) {
            return Some((
                Unit {
                    key: c,
                    dim: Dim::Money,
                    factor: 1.0,
                    dual: false,
                    sub: 0.0,
                },
                i + 1,
            ));
        }
    }
    // Arabic attached article or preposition: بالدولار, من الجنود.
    if t.kind == Tok::Word {
        for (b, p) in PREFIXES.iter().enumerate() {
            if heads & (2 << b) != 0
                && let Some(rest) = t.norm.strip_prefix(p)
                && let Some(x) = try_word(rest)
            {
                return Some(x);
            }
        }
    }
    None
}

/// Arabic article and prepositions attached to a unit word.
const PREFIXES: [&str; 5] = ["ال", "بال", "لل", "ب", "ل"];

/// The bits [`heads_of`] may set: bit 0 and bits 1 to 5 (`PREFIXES`).
pub(super) const HEAD_BITS: u8 = (2 << PREFIXES.len()) - 1;

/// Which forms of a token's folded word are the first word of some unit
/// form: bit 0 the word itself, bit `1 + k` the word without `PREFIXES[k]`
/// (a word token, at least two letters left). Computed once per token:
/// `unit_at` is asked about most tokens several times.
fn heads(t: &Token) -> u8 {
    let known = t.unit_heads.get();
    if known != super::token::UNKNOWN {
        return known;
    }
    if t.kind == Tok::Word {
        // Word tokens: from the thread's cache of word answers.
        t.fill_word_info();
        return t.unit_heads.get();
    }
    let m = heads_of(&t.norm, false);
    t.unit_heads.set(m);
    m
}

/// [`heads`] of the folded form `norm` of a token, a word token when
/// `word`.
pub(super) fn heads_of(norm: &str, word: bool) -> u8 {
    static ENDS: OnceLock<Endings> = OnceLock::new();
    let idx = index();
    let ends = ENDS.get_or_init(|| Endings::of(idx.keys().map(String::as_str)));
    let mut m = u8::from(ends.may_hold(norm) && idx.contains_key(norm));
    // The other forms are suffixes of the word of two letters or more.
    if word && ends.may_end(norm) {
        for (b, p) in PREFIXES.iter().enumerate() {
            if let Some(rest) = super::words::strip(norm, p)
                && rest.chars().nth(1).is_some()
                && ends.may_hold(rest)
                && idx.contains_key(rest)
            {
                m |= 2 << b;
            }
        }
    }
    m
}

/// The counted noun before a definite number word (أولاده الستة): strips a
/// possessive pronoun suffix.
pub fn noun_before(t: &Token) -> Option<Unit> {
    let idx = index();
    let exact = |w: &str| {
        idx.get(w)
            .and_then(|v| v.iter().find(|(ws, _)| ws.len() == 1).map(|x| x.1))
    };
    if let Some(u) = exact(&t.norm) {
        return Some(u);
    }
    for suf in ["هما", "هم", "ها", "ه", "نا"] {
        if let Some(rest) = t.norm.strip_suffix(suf)
            && let Some(u) = exact(rest).or_else(|| rest.strip_prefix("ال").and_then(exact))
        {
            return Some(u);
        }
    }
    None
}

/// ISO 4217 codes recognized when written in capitals (`42 BGN`, `UAH 3`).
const ISO: &[&str] = &[
    "USD", "EUR", "GBP", "JPY", "CNY", "CHF", "CAD", "AUD", "NZD", "HKD", "SGD", "INR", "PKR",
    "BDT", "LKR", "MYR", "IDR", "THB", "PHP", "KRW", "RUB", "UAH", "BGN", "RON", "PLN", "CZK",
    "HUF", "SEK", "NOK", "DKK", "ISK", "TRY", "ILS", "SAR", "AED", "QAR", "KWD", "BHD", "OMR",
    "JOD", "LBP", "SYP", "IQD", "IRR", "YER", "EGP", "LYD", "TND", "DZD", "MAD", "SDG", "MRU",
    "NGN", "KES", "ZAR", "ETB", "GHS", "BRL", "MXN", "ARS", "CLP", "COP", "PEN", "MNT", "VND",
    "KZT", "AZN", "GEL", "AMD", "BTC",
];

/// An ISO code written in capitals at token `i` (`USD`, or `MUSD` for
/// millions of dollars): the code and the scale it carries.
pub fn iso_at(text: &str, toks: &[Token], i: usize) -> Option<(&'static str, f64)> {
    let t = toks.get(i)?;
    if t.kind != Tok::Word || !t.upper {
        return None;
    }
    let raw = &text[t.start..t.end];
    if let Some(&c) = ISO.iter().find(|&&c| c == raw) {
        return Some((c, 1.0));
    }
    let rest = raw.strip_prefix('M')?;
    ISO.iter().find(|&&c| c == rest).map(|&c| (c, 1e6))
}

/// A currency written before a figure (`$`, `US$`, `EUR`, `Rs.`,
/// `ringgit`): its key, the first token of the prefix and the scale a code
/// like `MUSD` carries.
pub fn currency_before(text: &str, toks: &[Token], i: usize) -> Option<(&'static str, usize, f64)> {
    if i == 0 || toks[i].newline_before {
        return None;
    }
    if let Some((c, scale)) = iso_at(text, toks, i - 1) {
        return Some((c, i - 1, scale));
    }
    for k in (1..=3.min(i)).rev() {
        let s = i - k;
        if toks[s + 1..=i].iter().any(|t| t.newline_before) {
            continue;
        }
        if let Some((u, e)) = unit_at(toks, s)
            && u.dim == Dim::Money
            // "Rs. 20": the stop of a Latin abbreviation; after an Arabic
            // word ("ريالًا. 5 -") a stop ends the sentence.
            && (e == i || e + 1 == i && toks[e].is_punct_in(".") && toks[s].norm.is_ascii())
        {
            // Short lowercase words only when they cannot be English words
            // ("Rs 20" and "RM 42", not "rs").
            let t = &toks[s];
            let capital = text[t.start..]
                .chars()
                .next()
                .is_some_and(char::is_uppercase);
            if t.kind == Tok::Word && t.norm.len() <= 3 && !capital && t.norm.is_ascii() {
                continue;
            }
            return Some((u.key, s, 1.0));
        }
    }
    None
}

/// The qualifier phrases split into words (once), with their keys, in
/// the order [`qualifier_before`] tries them.
fn qualifier_phrases() -> &'static [(Vec<&'static str>, &'static str)] {
    const Q: &[(&str, &str)] = &[
        ("more than", "more_than"),
        ("over", "more_than"),
        ("above", "more_than"),
        ("in excess of", "more_than"),
        ("at least", "at_least"),
        ("no fewer than", "at_least"),
        ("no less than", "at_least"),
        ("about", "about"),
        ("around", "about"),
        ("approximately", "about"),
        ("roughly", "about"),
        ("some", "about"),
        ("an estimated", "about"),
        ("nearly", "nearly"),
        ("almost", "nearly"),
        ("close to", "nearly"),
        ("up to", "up_to"),
        ("as many as", "up_to"),
        ("as much as", "up_to"),
        ("at most", "at_most"),
        ("no more than", "at_most"),
        ("less than", "less_than"),
        ("fewer than", "less_than"),
        ("under", "less_than"),
        ("below", "less_than"),
        ("exactly", "exactly"),
        ("اكثر من", "more_than"),
        ("ازيد من", "more_than"),
        ("ما يزيد علي", "more_than"),
        ("ما يزيد عن", "more_than"),
        ("يزيد علي", "more_than"),
        ("يزيد عن", "more_than"),
        ("ما يربو علي", "more_than"),
        ("ما لا يقل عن", "at_least"),
        ("لا يقل عن", "at_least"),
        ("علي الاقل", "at_least"),
        ("نحو", "about"),
        ("حوالي", "about"),
        ("زهاء", "about"),
        ("ما يقارب", "nearly"),
        ("يقارب", "nearly"),
        ("قرابه", "nearly"),
        ("قرابه من", "nearly"),
        ("ما يقرب من", "nearly"),
        ("يقرب من", "nearly"),
        ("ما يصل الي", "up_to"),
        ("يصل الي", "up_to"),
        ("حتي", "up_to"),
        ("لا يتعدي", "at_most"),
        ("لا يتجاوز", "at_most"),
        ("ما لا يتجاوز", "at_most"),
        ("ما لا يزيد عن", "at_most"),
        ("لا يزيد عن", "at_most"),
        ("اقل من", "less_than"),
        ("ما دون", "less_than"),
        ("بالضبط", "exactly"),
    ];
    type Phrases = Vec<(Vec<&'static str>, &'static str)>;
    static SPLIT: OnceLock<Phrases> = OnceLock::new();
    SPLIT.get_or_init(|| {
        Q.iter()
            .map(|&(phrase, key)| (phrase.split(' ').collect(), key))
            .collect()
    })
}

/// A qualifier before token `i`: its key and first token.
pub fn qualifier_before(toks: &[Token], i: usize) -> Option<(&'static str, usize)> {
    for (words, key) in qualifier_phrases() {
        let n = words.len();
        // The last word first, which rejects most phrases at one
        // comparison (a one-word phrase's may carry a prefix): comparing
        // the phrases' words in order tried four prefixes on each first
        // word.
        let Some(last) = i.checked_sub(1).map(|l| &toks[l].norm) else {
            continue;
        };
        if n == 1 && !last.ends_with(words[0]) || n > 1 && *last != words[n - 1] {
            continue;
        }
        if phrase_before(toks, i, words) {
            return Some((key, i - n));
        }
    }
    None
}

/// Whether the words of phrase `words` are the tokens before token `i`
/// (the first may carry an attached ب, و, ل or ف), on one line with it.
fn phrase_before(toks: &[Token], i: usize, words: &[&str]) -> bool {
    let n = words.len();
    if i < n {
        return false;
    }
    let ts = &toks[i - n..i];
    if ts.iter().skip(1).any(|t| t.newline_before) || toks[i].newline_before {
        return false;
    }
    words.iter().zip(ts).enumerate().all(|(k, (w, t))| {
        t.norm == *w
            || (k == 0
                && ["ب", "و", "ل", "ف"]
                    .iter()
                    .any(|p| t.norm.strip_prefix(p) == Some(*w)))
    })
}

/// A percent sign or phrase at token `i`: the token after it.
pub fn percent_at(toks: &[Token], i: usize) -> Option<usize> {
    let t = toks.get(i)?;
    if t.newline_before {
        return None;
    }
    if t.is_punct_in("%٪") {
        return Some(i + 1);
    }
    let next = |k: usize, w: &[&str]| toks.get(k).is_some_and(|t| w.contains(&t.norm.as_str()));
    match t.norm.as_str() {
        "percent" | "pct" | "بالمئه" | "بالمائه" | "بالميه" => Some(i + 1),
        "per" if next(i + 1, &["cent"]) => Some(i + 2),
        "في" if next(i + 1, &["المئه", "المائه", "الميه"]) => Some(i + 2),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::token::tokenize;

    #[test]
    fn finds_units() {
        let t = tokenize("دينار ليبي");
        assert_eq!(unit_at(&t, 0).map(|x| (x.0.key, x.1)), Some(("LYD", 2)));
        let t = tokenize("زيارتين لموسكو");
        let u = unit_at(&t, 0).unwrap().0;
        assert_eq!((u.key, u.dual), ("visit", true));
        let t = tokenize("كلم");
        assert_eq!(unit_at(&t, 0).unwrap().0.key, "km");
        let t = tokenize("أولاده");
        assert_eq!(noun_before(&t[0]).unwrap().key, "child");
    }

    /// `qualifier_before` before its last-word test: each phrase's words
    /// in order.
    fn qualifier_before_reference(toks: &[Token], i: usize) -> Option<(&'static str, usize)> {
        qualifier_phrases()
            .iter()
            .find(|(words, _)| phrase_before(toks, i, words))
            .map(|(words, key)| (*key, i - words.len()))
    }

    proptest::proptest! {
        #[test]
        fn qualifiers_are_the_references(words in proptest::collection::vec(
            proptest::sample::select(vec![
                "more", "than", "over", "no", "less", "fewer", "as", "many", "much", "up", "to",
                "at", "least", "most", "about", "اكثر", "من", "ما", "لا", "يقل", "عن", "يزيد",
                "علي", "بنحو", "ونحو", "لنحو", "فحوالي", "حوالي", "قرابه", "يقرب", "الي",
                "يصل", "وبالضبط", "\n", "5", "x",
            ]),
            1..8,
        )) {
            let text = words.join(" ");
            let t = tokenize(&text);
            for i in 0..t.len() {
                proptest::prop_assert_eq!(qualifier_before(&t, i), qualifier_before_reference(&t, i));
            }
        }
    }

    #[test]
    fn qualifiers() {
        let t = tokenize("أكثر من 100");
        assert_eq!(qualifier_before(&t, 2), Some(("more_than", 0)));
        let t = tokenize("ما لا يقل عن 5");
        assert_eq!(qualifier_before(&t, 4), Some(("at_least", 0)));
        let t = tokenize("bought more than 5");
        assert_eq!(qualifier_before(&t, 3), Some(("more_than", 1)));
    }
}
