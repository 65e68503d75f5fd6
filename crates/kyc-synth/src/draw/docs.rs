//! The document layouts. Coordinates are in a design space (1600 units wide for cards and
//! pages) scaled to the canvas, so a licence photographed at 4000×3000 uses the same layout.

use time::Date;

use super::canvas::{Canvas, Rgb};
use super::text::Typeface;

/// Card-sized documents (ID card, bank card, permit, licence): 85.6 × 54 mm at about 330 dpi,
/// the size of a phone photo cropped to the card. Kept modest because encoding dominates
/// generation time in debug builds.
pub(crate) const CARD: (u32, u32) = (1120, 700);
/// Passport data page (125 × 88 mm).
pub(crate) const PASSPORT: (u32, u32) = (1120, 788);
/// A4 letter at 105 dpi.
pub(crate) const LETTER: (u32, u32) = (868, 1228);

const INK: Rgb = [25, 25, 30];
const GREY: Rgb = [90, 100, 115];
const RED: Rgb = [200, 30, 35];
const WHITE: Rgb = [250, 250, 250];

/// Text that may be Chinese, with the Latin form drawn when the font has no Han glyphs.
#[derive(Clone, Copy)]
pub(crate) struct Label<'a> {
    pub han: &'a str,
    pub latin: &'a str,
}

impl<'a> Label<'a> {
    pub(crate) fn new(han: &'a str, latin: &'a str) -> Self {
        Label { han, latin }
    }
    /// ASCII-only text.
    pub(crate) fn ascii(s: &'a str) -> Self {
        Label { han: s, latin: s }
    }
}

/// How a drawn face looks; derived from the person so their portraits agree.
#[derive(Clone, Copy)]
pub(crate) struct Look {
    pub skin: Rgb,
    pub hair: Rgb,
    pub shirt: Rgb,
    /// Face width relative to the default, 0.8..1.1.
    pub face_width: f64,
    /// Horizontal head offset as a fraction of the box width (video motion).
    pub dx: f64,
    /// Eyes closed (video blink).
    pub blink: bool,
}

/// A canvas with a design-space scale and the typeface.
pub(crate) struct Sheet<'t> {
    pub canvas: Canvas,
    tf: &'t Typeface,
    k: f64,
}

impl<'t> Sheet<'t> {
    pub(crate) fn new(
        width: u32,
        height: u32,
        design_width: f64,
        bg: (Rgb, Rgb),
        tf: &'t Typeface,
    ) -> Self {
        Sheet {
            canvas: Canvas::gradient(width, height, bg.0, bg.1),
            tf,
            k: f64::from(width) / design_width,
        }
    }

    fn s(&self, v: f64) -> i64 {
        (v * self.k).round() as i64
    }

    pub(crate) fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, c: Rgb) {
        let (x, y, w, h) = (self.s(x), self.s(y), self.s(w), self.s(h));
        self.canvas.rect(x, y, w, h, c);
    }

    fn frame(&mut self, x: f64, y: f64, w: f64, h: f64, t: f64, c: Rgb) {
        let t = self.s(t).max(1);
        let (x, y, w, h) = (self.s(x), self.s(y), self.s(w), self.s(h));
        self.canvas.frame(x, y, w, h, t, c);
    }

    fn ellipse(&mut self, cx: f64, cy: f64, rx: f64, ry: f64, c: Rgb) {
        let (cx, cy, rx, ry) = (self.s(cx), self.s(cy), self.s(rx), self.s(ry));
        self.canvas.ellipse(cx, cy, rx, ry, c);
    }

    fn ring(&mut self, cx: f64, cy: f64, r: f64, t: f64, c: Rgb) {
        let t = self.s(t).max(1);
        let (cx, cy, r) = (self.s(cx), self.s(cy), self.s(r));
        self.canvas.ring(cx, cy, r, r, t, c);
    }

    /// Draws a label (Han when the font can, Latin otherwise); returns the advance in design units.
    pub(crate) fn text(&mut self, x: f64, y: f64, size: f64, label: Label<'_>, c: Rgb) -> f64 {
        let s = if self.tf.has_han() { label.han } else { label.latin };
        let (px, py, size) = (self.s(x), self.s(y), (size * self.k) as f32);
        self.tf.draw(&mut self.canvas, px, py, size, s, c) as f64 / self.k
    }

    fn mono(&mut self, x: f64, y: f64, size: f64, pitch: f64, s: &str, c: Rgb) {
        let (px, py, pitch, size) = (self.s(x), self.s(y), self.s(pitch), (size * self.k) as f32);
        self.tf.draw_mono(&mut self.canvas, (px, py), size, pitch, s, c);
    }

    /// A head-and-shoulders portrait in a box.
    pub(crate) fn portrait(&mut self, x: f64, y: f64, w: f64, h: f64, look: &Look) {
        self.rect(x, y, w, h, [226, 232, 240]);
        let clip = (self.s(x), self.s(y), self.s(w), self.s(h));
        self.canvas.set_clip(Some(clip));
        let cx = x + w / 2.0 + look.dx * w;
        self.ellipse(x + w / 2.0, y + h * 1.02, w * 0.46, h * 0.28, look.shirt);
        self.rect(cx - w * 0.08, y + h * 0.62, w * 0.16, h * 0.16, look.skin);
        let (rx, ry) = (w * 0.25 * look.face_width, h * 0.26);
        let cy = y + h * 0.44;
        self.ellipse(cx, cy - ry * 0.25, rx * 1.12, ry * 0.95, look.hair);
        self.ellipse(cx, cy, rx, ry, look.skin);
        self.ellipse(cx, cy - ry * 0.78, rx * 0.95, ry * 0.3, look.hair);
        let eye_y = cy - ry * 0.12;
        for side in [-1.0, 1.0] {
            let ex = cx + side * rx * 0.42;
            self.rect(ex - rx * 0.2, eye_y - ry * 0.2, rx * 0.4, ry * 0.05, look.hair);
            if look.blink {
                self.rect(ex - rx * 0.15, eye_y, rx * 0.3, ry * 0.03, INK);
            } else {
                self.ellipse(ex, eye_y, rx * 0.13, ry * 0.07, WHITE);
                self.ellipse(ex, eye_y, rx * 0.07, ry * 0.065, [40, 30, 25]);
            }
        }
        let shade = [
            look.skin[0].saturating_sub(30),
            look.skin[1].saturating_sub(30),
            look.skin[2].saturating_sub(25),
        ];
        self.ellipse(cx, cy + ry * 0.18, rx * 0.1, ry * 0.12, shade);
        self.rect(cx - rx * 0.3, cy + ry * 0.5, rx * 0.6, ry * 0.07, [170, 70, 70]);
        self.canvas.set_clip(None);
    }

    /// Faint concentric rings, a cheap stand-in for a security print.
    fn guilloche(&mut self, cx: f64, cy: f64, n: usize, step: f64, c: Rgb) {
        for i in 1..=n {
            self.ring(cx, cy, step * i as f64, 1.5, c);
        }
    }

    fn emblem(&mut self, cx: f64, cy: f64, r: f64) {
        self.ellipse(cx, cy, r, r, [235, 200, 60]);
        self.ring(cx, cy, r, r * 0.12, RED);
        self.ellipse(cx, cy, r * 0.35, r * 0.35, RED);
        for (dx, dy) in [(-0.5, -0.45), (0.5, -0.45), (-0.55, 0.2), (0.55, 0.2)] {
            self.ellipse(cx + dx * r, cy + dy * r, r * 0.1, r * 0.1, RED);
        }
    }

    fn seal(&mut self, cx: f64, cy: f64, r: f64, label: Label<'_>) {
        self.ring(cx, cy, r, r * 0.07, RED);
        self.ellipse(cx, cy, r * 0.18, r * 0.18, RED);
        self.text(cx - r * 0.75, cy + r * 0.3, r * 0.2, label, RED);
    }
}

fn ymd(d: Date) -> String {
    format!("{:04}.{:02}.{:02}", d.year(), d.month() as u8, d.day())
}

fn dmy(d: Date) -> String {
    const MONTHS: [&str; 12] =
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    format!("{:02} {} {:04}", d.day(), MONTHS[d.month() as usize - 1], d.year())
}

/// Values printed on the portrait side of an ID card.
pub(crate) struct IdFront<'a> {
    pub name: Label<'a>,
    pub male: bool,
    pub birth: Date,
    pub address: Label<'a>,
    pub number: &'a str,
    pub look: Look,
}

pub(crate) fn id_card_front(tf: &Typeface, v: &IdFront<'_>) -> Canvas {
    let mut s = Sheet::new(CARD.0, CARD.1, 1600.0, ([236, 241, 246], [212, 226, 238]), tf);
    s.guilloche(800.0, 500.0, 14, 45.0, [220, 230, 240]);
    let lab = |s: &mut Sheet, y, han, latin| s.text(110.0, y, 40.0, Label::new(han, latin), GREY);
    lab(&mut s, 130.0, "姓名", "NAME");
    s.text(290.0, 118.0, 60.0, v.name, INK);
    lab(&mut s, 240.0, "性别", "SEX");
    let sex = if v.male { Label::new("男", "M") } else { Label::new("女", "F") };
    s.text(290.0, 232.0, 50.0, sex, INK);
    s.text(480.0, 240.0, 40.0, Label::new("民族", "ETHNIC"), GREY);
    s.text(640.0, 232.0, 50.0, Label::new("汉", "HAN"), INK);
    lab(&mut s, 350.0, "出生", "BORN");
    let (y, m, d) = (v.birth.year(), v.birth.month() as u8, v.birth.day());
    let born_han = format!("{y}年{m}月{d}日");
    let born_latin = format!("{y} {m:02} {d:02}");
    s.text(290.0, 342.0, 50.0, Label::new(&born_han, &born_latin), INK);
    lab(&mut s, 460.0, "住址", "ADDRESS");
    s.text(290.0, 452.0, 46.0, v.address, INK);
    s.text(110.0, 820.0, 40.0, Label::new("公民身份号码", "ID NUMBER"), GREY);
    s.mono(480.0, 805.0, 64.0, 46.0, v.number, INK);
    s.portrait(1090.0, 140.0, 400.0, 500.0, &v.look);
    s.canvas
}

/// Values printed on the emblem side of an ID card.
pub(crate) struct IdBack<'a> {
    pub authority: Label<'a>,
    pub valid_from: Date,
    /// `None`: long-term.
    pub valid_to: Option<Date>,
}

pub(crate) fn id_card_back(tf: &Typeface, v: &IdBack<'_>) -> Canvas {
    let mut s = Sheet::new(CARD.0, CARD.1, 1600.0, ([238, 242, 236], [222, 234, 226]), tf);
    s.guilloche(800.0, 600.0, 16, 40.0, [214, 226, 216]);
    s.emblem(260.0, 260.0, 150.0);
    s.text(520.0, 150.0, 76.0, Label::new("中华人民共和国", "PEOPLE'S REPUBLIC OF CHINA"), INK);
    s.text(560.0, 280.0, 110.0, Label::new("居民身份证", "RESIDENT ID CARD"), INK);
    s.text(300.0, 700.0, 40.0, Label::new("签发机关", "AUTHORITY"), GREY);
    s.text(560.0, 692.0, 48.0, v.authority, INK);
    s.text(300.0, 800.0, 40.0, Label::new("有效期限", "VALID"), GREY);
    let to = v.valid_to.map(ymd);
    let period_han = format!("{}-{}", ymd(v.valid_from), to.as_deref().unwrap_or("长期"));
    let period_latin = format!("{}-{}", ymd(v.valid_from), to.as_deref().unwrap_or("LONG-TERM"));
    s.text(560.0, 792.0, 48.0, Label::new(&period_han, &period_latin), INK);
    s.canvas
}

/// Values printed on a bank card.
pub(crate) struct BankCard<'a> {
    pub bank: Label<'a>,
    pub number: &'a str,
    pub holder_latin: &'a str,
    pub expires: Date,
}

pub(crate) fn bank_card(tf: &Typeface, v: &BankCard<'_>) -> Canvas {
    let mut s = Sheet::new(CARD.0, CARD.1, 1600.0, ([22, 62, 124], [70, 24, 96]), tf);
    s.guilloche(1300.0, 200.0, 10, 60.0, [60, 70, 130]);
    s.text(100.0, 80.0, 64.0, v.bank, WHITE);
    s.rect(140.0, 330.0, 200.0, 150.0, [212, 175, 55]);
    s.frame(140.0, 330.0, 200.0, 150.0, 6.0, [160, 130, 40]);
    let grouped: Vec<String> =
        v.number.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
    s.mono(110.0, 560.0, 84.0, 60.0, &grouped.join(" "), WHITE);
    s.text(900.0, 770.0, 32.0, Label::ascii("VALID THRU"), WHITE);
    let exp = format!("{:02}/{:02}", v.expires.month() as u8, v.expires.year() % 100);
    s.text(1130.0, 752.0, 56.0, Label::ascii(&exp), WHITE);
    s.text(110.0, 860.0, 56.0, Label::ascii(v.holder_latin), WHITE);
    s.rect(1260.0, 820.0, 80.0, 110.0, [220, 40, 50]);
    s.rect(1330.0, 820.0, 80.0, 110.0, [20, 80, 160]);
    s.rect(1400.0, 820.0, 80.0, 110.0, [20, 140, 100]);
    s.canvas
}

/// Values printed on a passport data page.
pub(crate) struct PassportPage<'a> {
    pub country: &'a str,
    pub number: &'a str,
    pub surname: &'a str,
    pub given: &'a str,
    pub nationality: &'a str,
    pub birth: Date,
    pub male: bool,
    pub issued: Date,
    pub expires: Date,
    pub mrz: &'a [String],
    pub look: Look,
}

pub(crate) fn passport_page(tf: &Typeface, v: &PassportPage<'_>) -> Canvas {
    let mut s = Sheet::new(PASSPORT.0, PASSPORT.1, 1600.0, ([246, 236, 238], [232, 222, 236]), tf);
    s.guilloche(1100.0, 450.0, 18, 36.0, [232, 220, 228]);
    s.text(80.0, 40.0, 52.0, Label::ascii("PASSPORT"), INK);
    s.text(520.0, 50.0, 40.0, Label::ascii(v.country), GREY);
    s.portrait(80.0, 170.0, 400.0, 520.0, &v.look);
    let rows: [(&str, String); 8] = [
        ("Type / Code / Passport No.", format!("P   {}   {}", v.country, v.number)),
        ("Surname", v.surname.to_owned()),
        ("Given names", v.given.to_owned()),
        ("Nationality", v.nationality.to_owned()),
        ("Date of birth", dmy(v.birth)),
        ("Sex", if v.male { "M".into() } else { "F".into() }),
        ("Date of issue", dmy(v.issued)),
        ("Date of expiry", dmy(v.expires)),
    ];
    for (i, (label, value)) in rows.iter().enumerate() {
        let y = 160.0 + i as f64 * 82.0;
        s.text(540.0, y, 26.0, Label::ascii(label), GREY);
        s.text(540.0, y + 30.0, 40.0, Label::ascii(value), INK);
    }
    s.rect(0.0, 880.0, 1600.0, 245.0, [250, 248, 248]);
    for (i, line) in v.mrz.iter().enumerate() {
        s.mono(70.0, 900.0 + i as f64 * 95.0, 54.0, 33.0, line, INK);
    }
    s.canvas
}

/// Values printed on a Home Visit Permit.
pub(crate) struct Permit<'a> {
    pub name: Label<'a>,
    pub pinyin: &'a str,
    pub birth: Date,
    pub male: bool,
    pub number: &'a str,
    pub valid_from: Date,
    pub expires: Date,
    pub look: Look,
}

pub(crate) fn permit(tf: &Typeface, v: &Permit<'_>) -> Canvas {
    let mut s = Sheet::new(CARD.0, CARD.1, 1600.0, ([232, 244, 236], [214, 236, 240]), tf);
    s.guilloche(1000.0, 520.0, 14, 45.0, [214, 232, 226]);
    s.text(80.0, 50.0, 58.0, Label::new("港澳居民来往内地通行证", "MAINLAND TRAVEL PERMIT"), INK);
    s.text(
        80.0,
        130.0,
        30.0,
        Label::ascii("MAINLAND TRAVEL PERMIT FOR HONG KONG AND MACAO RESIDENTS"),
        GREY,
    );
    s.portrait(80.0, 230.0, 380.0, 480.0, &v.look);
    s.text(540.0, 240.0, 64.0, v.name, INK);
    s.text(540.0, 330.0, 40.0, Label::ascii(v.pinyin), INK);
    let born = format!("{}   {}", ymd(v.birth), if v.male { "M" } else { "F" });
    s.text(540.0, 420.0, 44.0, Label::ascii(&born), INK);
    let valid = format!("{} - {}", ymd(v.valid_from), ymd(v.expires));
    s.text(540.0, 510.0, 44.0, Label::ascii(&valid), INK);
    s.mono(540.0, 800.0, 72.0, 52.0, v.number, RED);
    s.canvas
}

/// Values printed on a foreign driving licence.
pub(crate) struct Licence<'a> {
    pub country: &'a str,
    pub surname: &'a str,
    pub given: &'a str,
    pub birth: Date,
    pub issued: Date,
    pub expires: Date,
    pub number: &'a str,
    pub look: Look,
}

pub(crate) fn driving_licence(tf: &Typeface, v: &Licence<'_>) -> Canvas {
    let mut s = Sheet::new(CARD.0, CARD.1, 1600.0, ([246, 226, 232], [236, 232, 246]), tf);
    s.guilloche(400.0, 500.0, 12, 50.0, [236, 218, 228]);
    s.text(80.0, 50.0, 60.0, Label::ascii("DRIVING LICENCE"), INK);
    s.rect(1380.0, 40.0, 160.0, 110.0, [30, 60, 150]);
    s.text(1410.0, 70.0, 48.0, Label::ascii(v.country), WHITE);
    s.portrait(80.0, 200.0, 380.0, 480.0, &v.look);
    let rows = [
        format!("1. {}", v.surname),
        format!("2. {}", v.given),
        format!("3. {}", dmy(v.birth)),
        format!("4a. {}   4b. {}", dmy(v.issued), dmy(v.expires)),
        format!("5. {}", v.number),
        "9. B".to_owned(),
    ];
    for (i, r) in rows.iter().enumerate() {
        s.text(540.0, 210.0 + i as f64 * 90.0, 46.0, Label::ascii(r), INK);
    }
    s.canvas
}

/// Values printed on a business licence.
pub(crate) struct BusinessLicence<'a> {
    pub company: Label<'a>,
    pub uscc: &'a str,
    pub legal_rep: Label<'a>,
    pub address: Label<'a>,
    pub founded: Date,
    pub authority: Label<'a>,
    /// Seed for the QR-like block pattern.
    pub pattern: u64,
}

/// Width and height of the licence in design units.
pub(crate) const LICENCE_DESIGN: (f64, f64) = (1600.0, 1200.0);

pub(crate) fn business_licence(tf: &Typeface, width: u32, v: &BusinessLicence<'_>) -> Canvas {
    let height = (f64::from(width) * LICENCE_DESIGN.1 / LICENCE_DESIGN.0) as u32;
    let mut s = Sheet::new(width, height, LICENCE_DESIGN.0, ([250, 246, 236], [244, 238, 226]), tf);
    s.frame(30.0, 30.0, 1540.0, 1140.0, 14.0, RED);
    s.frame(60.0, 60.0, 1480.0, 1080.0, 4.0, RED);
    s.emblem(800.0, 170.0, 80.0);
    s.text(620.0, 270.0, 100.0, Label::new("营业执照", "BUSINESS LICENCE"), RED);
    s.text(120.0, 300.0, 30.0, Label::new("统一社会信用代码", "UNIFIED SOCIAL CREDIT CODE"), INK);
    s.mono(120.0, 345.0, 44.0, 30.0, v.uscc, INK);
    let rows: [(Label<'_>, Label<'_>); 6] = [
        (Label::new("名称", "NAME"), v.company),
        (Label::new("类型", "TYPE"), Label::new("有限责任公司", "LIMITED LIABILITY COMPANY")),
        (Label::new("法定代表人", "LEGAL REP."), v.legal_rep),
        (Label::new("注册资本", "CAPITAL"), Label::new("人民币壹佰万元整", "CNY 1,000,000")),
        (Label::new("营业期限", "TERM"), Label::new("长期", "LONG-TERM")),
        (Label::new("住所", "ADDRESS"), v.address),
    ];
    for (i, (k, val)) in rows.iter().enumerate() {
        let y = 480.0 + i as f64 * 80.0;
        s.text(140.0, y, 38.0, *k, GREY);
        s.text(420.0, y - 4.0, 42.0, *val, INK);
    }
    let founded =
        format!("{} {:02} {:02}", v.founded.year(), v.founded.month() as u8, v.founded.day());
    s.text(140.0, 980.0, 38.0, Label::new("成立日期", "FOUNDED"), GREY);
    s.text(420.0, 976.0, 42.0, Label::ascii(&founded), INK);
    // A QR-like block pattern; not a real QR code.
    let mut bits = v.pattern | 1;
    for row in 0..12 {
        for col in 0..12 {
            bits ^= bits << 13;
            bits ^= bits >> 7;
            bits ^= bits << 17;
            if bits & 1 == 1 {
                s.rect(1300.0 + col as f64 * 14.0, 300.0 + row as f64 * 14.0, 14.0, 14.0, INK);
            }
        }
    }
    s.seal(1250.0, 950.0, 130.0, v.authority);
    s.canvas
}

/// Values of a letter of authorisation.
pub(crate) struct Letter<'a> {
    pub company: Label<'a>,
    pub person: Label<'a>,
    pub id_number: &'a str,
    pub date: Date,
}

/// Splits text into lines of at most `max_em` ems, counting a Han or full-width character
/// as one em and an ASCII character as about half; Latin text breaks at spaces.
fn wrap(s: &str, max_em: f64) -> Vec<String> {
    let width = |c: char| if c.is_ascii() { 0.55 } else { 1.0 };
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0.0;
    let mut tokens: Vec<String> = Vec::new();
    for c in s.chars() {
        // ASCII runs form words; every other character is a token of its own.
        match tokens.last_mut() {
            Some(t) if c.is_ascii() && c != ' ' && t.chars().all(|x| x.is_ascii() && x != ' ') => {
                t.push(c)
            }
            _ => tokens.push(c.to_string()),
        }
    }
    for t in tokens {
        let w: f64 = t.chars().map(width).sum();
        // Closing punctuation stays on its line rather than starting the next one.
        let closing = matches!(t.as_str(), "。" | "，" | "）" | "：" | "、");
        if used + w > max_em && !line.is_empty() && !closing {
            lines.push(std::mem::take(&mut line).trim().to_owned());
            used = 0.0;
        }
        line.push_str(&t);
        used += w;
    }
    if !line.trim().is_empty() {
        lines.push(line.trim().to_owned());
    }
    lines
}

pub(crate) fn authorisation_letter(tf: &Typeface, v: &Letter<'_>) -> Canvas {
    let mut s = Sheet::new(LETTER.0, LETTER.1, 1240.0, ([252, 252, 250], [246, 246, 244]), tf);
    s.text(420.0, 120.0, 72.0, Label::new("授权委托书", "AUTHORISATION"), INK);
    let han = format!(
        "兹授权{}（身份证号码：{}）代表{}办理云服务实名认证相关事宜，授权期限为一年。",
        v.person.han, v.id_number, v.company.han
    );
    let latin = format!(
        "{} AUTHORISES {} (ID NUMBER {}) TO COMPLETE THE REAL-NAME VERIFICATION OF ITS CLOUD ACCOUNT FOR ONE YEAR.",
        v.company.latin, v.person.latin, v.id_number
    );
    let (lines, size) =
        if tf.has_han() { (wrap(&han, 22.0), 44.0) } else { (wrap(&latin, 24.0), 40.0) };
    for (i, line) in lines.iter().enumerate() {
        s.text(120.0, 320.0 + i as f64 * 80.0, size, Label::ascii(line), INK);
    }
    s.text(120.0, 1250.0, 40.0, Label::new("被授权人签字：", "SIGNED:"), INK);
    for i in 0..5 {
        s.ring(560.0 + i as f64 * 50.0, 1270.0, 34.0, 3.0, [30, 40, 120]);
    }
    s.text(120.0, 1400.0, 40.0, v.company, INK);
    s.text(120.0, 1470.0, 40.0, Label::ascii(&ymd(v.date)), INK);
    s.seal(900.0, 1430.0, 160.0, Label::new("公章", "SEAL"));
    s.canvas
}

/// A face photo (selfie-style) of `width × height`.
pub(crate) fn face_photo(tf: &Typeface, width: u32, height: u32, look: &Look) -> Canvas {
    let mut s = Sheet::new(width, height, f64::from(width), ([214, 226, 240], [236, 240, 246]), tf);
    let (w, h) = (f64::from(width), f64::from(height));
    s.portrait(0.0, 0.0, w, h, look);
    s.canvas
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wrap_keeps_words_and_closing_punctuation_together() {
        let lines = wrap("AUTHORISES JOHN SMITH TO ACT", 8.0);
        assert_eq!(lines, ["AUTHORISES", "JOHN SMITH TO", "ACT"], "words are never split");
        let han = wrap("一二三四五六七八九十。", 10.0);
        assert_eq!(han, vec!["一二三四五六七八九十。".to_owned()]);
        assert_eq!(wrap("", 5.0), Vec::<String>::new());
    }
}
