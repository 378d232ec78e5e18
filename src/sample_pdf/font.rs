//! An embedded TrueType font as a simple PDF font with WinAnsi encoding: every
//! character of an English report (accents, dashes, curly quotes, €) has a
//! one-byte code, widths come from the font itself, and text extractors map
//! the codes back to Unicode through the standard encoding.

use pdf_writer::types::FontFlags;
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref};

/// Codes 32..=255; the widths array starts at the first.
const FIRST_CODE: u8 = 32;

/// WinAnsiEncoding's codes 0x80–0x9F, which differ from Latin-1.
const WIN_ANSI_HIGH: [(char, u8); 27] = [
    ('€', 0x80),
    ('‚', 0x82),
    ('ƒ', 0x83),
    ('„', 0x84),
    ('…', 0x85),
    ('†', 0x86),
    ('‡', 0x87),
    ('ˆ', 0x88),
    ('‰', 0x89),
    ('Š', 0x8A),
    ('‹', 0x8B),
    ('Œ', 0x8C),
    ('Ž', 0x8E),
    ('‘', 0x91),
    ('’', 0x92),
    ('“', 0x93),
    ('”', 0x94),
    ('•', 0x95),
    ('–', 0x96),
    ('—', 0x97),
    ('˜', 0x98),
    ('™', 0x99),
    ('š', 0x9A),
    ('›', 0x9B),
    ('œ', 0x9C),
    ('ž', 0x9E),
    ('Ÿ', 0x9F),
];

/// The one-byte WinAnsi code of a character; `?` for one it lacks.
pub fn win_ansi(c: char) -> u8 {
    match c {
        ' '..='~' | '\u{A0}'..='ÿ' => c as u8,
        _ => WIN_ANSI_HIGH
            .iter()
            .find(|(ch, _)| *ch == c)
            .map_or(b'?', |(_, code)| *code),
    }
}

/// The character a code stands for (the inverse of `win_ansi`).
fn char_of(code: u8) -> Option<char> {
    match code {
        0x20..=0x7E | 0xA0..=0xFF => Some(code as char),
        _ => WIN_ANSI_HIGH
            .iter()
            .find(|(_, c)| *c == code)
            .map(|(ch, _)| *ch),
    }
}

pub struct Font {
    /// The PostScript name, e.g. `LiberationSans-Bold`.
    base_name: &'static str,
    data: &'static [u8],
    /// Advance widths in thousandths of the font size, for codes 32..=255.
    widths: Vec<f32>,
    bbox: Rect,
    ascent: f32,
    descent: f32,
    cap_height: f32,
    bold: bool,
}

impl Font {
    /// Reads the metrics of a TrueType font bundled with the binary.
    pub fn load(base_name: &'static str, data: &'static [u8], bold: bool) -> anyhow::Result<Self> {
        let face = ttf_parser::Face::parse(data, 0)
            .map_err(|e| anyhow::anyhow!("the bundled font {base_name} cannot be read: {e}"))?;
        let scale = 1000.0 / f32::from(face.units_per_em());
        let widths = (FIRST_CODE..=255)
            .map(|code| {
                char_of(code)
                    .and_then(|c| face.glyph_index(c))
                    .and_then(|g| face.glyph_hor_advance(g))
                    .map_or(0.0, |w| f32::from(w) * scale)
            })
            .collect();
        let b = face.global_bounding_box();
        Ok(Self {
            base_name,
            data,
            widths,
            bbox: Rect::new(
                f32::from(b.x_min) * scale,
                f32::from(b.y_min) * scale,
                f32::from(b.x_max) * scale,
                f32::from(b.y_max) * scale,
            ),
            ascent: f32::from(face.ascender()) * scale,
            descent: f32::from(face.descender()) * scale,
            cap_height: face
                .capital_height()
                .map_or(700.0, |h| f32::from(h) * scale),
            bold,
        })
    }

    /// The text's width in points at `size`.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| {
                let code = win_ansi(c);
                self.widths
                    .get(usize::from(code.saturating_sub(FIRST_CODE)))
                    .copied()
                    .unwrap_or(0.0)
            })
            .sum::<f32>()
            * size
            / 1000.0
    }

    /// Writes the font dictionary (`font_id`), its descriptor and the
    /// deflated font file, using the next two ids from `next`.
    pub fn write(&self, pdf: &mut Pdf, font_id: Ref, next: &mut impl FnMut() -> Ref) {
        let (descriptor_id, file_id) = (next(), next());
        let base = Name(self.base_name.as_bytes());
        {
            let mut font = pdf.indirect(font_id).dict();
            font.pair(Name(b"Type"), Name(b"Font"));
            font.pair(Name(b"Subtype"), Name(b"TrueType"));
            font.pair(Name(b"BaseFont"), base);
            font.pair(Name(b"FirstChar"), i32::from(FIRST_CODE));
            font.pair(Name(b"LastChar"), 255);
            font.insert(Name(b"Widths"))
                .array()
                .items(self.widths.iter().copied());
            font.pair(Name(b"Encoding"), Name(b"WinAnsiEncoding"));
            font.pair(Name(b"FontDescriptor"), descriptor_id);
            font.finish();
        }
        let mut flags = FontFlags::NON_SYMBOLIC;
        if self.bold {
            flags |= FontFlags::FORCE_BOLD;
        }
        pdf.font_descriptor(descriptor_id)
            .name(base)
            .flags(flags)
            .bbox(self.bbox)
            .italic_angle(0.0)
            .ascent(self.ascent)
            .descent(self.descent)
            .cap_height(self.cap_height)
            .stem_v(if self.bold { 140.0 } else { 80.0 })
            .font_file2(file_id);
        let deflated = miniz_oxide::deflate::compress_to_vec_zlib(self.data, 6);
        pdf.stream(file_id, &deflated)
            .filter(Filter::FlateDecode)
            .pair(
                Name(b"Length1"),
                i32::try_from(self.data.len()).unwrap_or(i32::MAX),
            );
    }
}

/// The lines of `text` that fit `width` points at `size`, words kept whole
/// (a word longer than the width gets a line of its own).
pub fn wrap(font: &Font, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if font.width(&candidate, size) > width && !line.is_empty() {
            lines.push(std::mem::replace(&mut line, word.to_owned()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_punctuation_has_one_byte_codes() {
        assert_eq!(win_ansi('A'), b'A');
        assert_eq!(win_ansi('–'), 0x96);
        assert_eq!(win_ansi('’'), 0x92);
        assert_eq!(win_ansi('é'), 0xE9);
        assert_eq!(win_ansi('€'), 0x80);
        assert_eq!(win_ansi('中'), b'?');
        for code in 0x20..=0xFFu8 {
            if let Some(c) = char_of(code) {
                assert_eq!(win_ansi(c), code);
            }
        }
    }
}
