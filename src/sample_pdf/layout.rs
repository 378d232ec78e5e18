//! Pages of flowing text on A4: headings, wrapped paragraphs and bullets from
//! the top margin down, a new page when the next block does not fit, and a
//! footer on every page. Enough typesetting for a sample, no more.

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::font::{Font, win_ansi};

pub const PAGE_WIDTH: f32 = 595.0;
pub const PAGE_HEIGHT: f32 = 842.0;
pub const MARGIN: f32 = 56.0;
/// The text column's width.
pub const COLUMN: f32 = PAGE_WIDTH - 2.0 * MARGIN;
/// Room kept at the bottom for the footer.
const FOOTER_ROOM: f32 = 28.0;
/// Body text: dark slate; headings a deep blue, as on the report page.
pub const INK: [f32; 3] = [0.11, 0.14, 0.19];
pub const ACCENT: [f32; 3] = [0.05, 0.29, 0.55];
pub const MUTED: [f32; 3] = [0.35, 0.39, 0.45];

/// The two faces every sample uses.
pub struct Fonts {
    pub regular: Font,
    pub bold: Font,
}

#[derive(Clone, Copy)]
pub enum Face {
    Regular,
    Bold,
}

impl Face {
    fn resource(self) -> Name<'static> {
        match self {
            Face::Regular => Name(b"F1"),
            Face::Bold => Name(b"F2"),
        }
    }
}

pub struct Writer<'f> {
    fonts: &'f Fonts,
    pages: Vec<Content>,
    page: Content,
    /// The baseline of the next line, from the page's bottom.
    y: f32,
    footer: String,
}

impl<'f> Writer<'f> {
    pub fn new(fonts: &'f Fonts, footer: &str) -> Self {
        Self {
            fonts,
            pages: Vec::new(),
            page: Content::new(),
            y: PAGE_HEIGHT - MARGIN,
            footer: footer.to_owned(),
        }
    }

    fn font(&self, face: Face) -> &Font {
        match face {
            Face::Regular => &self.fonts.regular,
            Face::Bold => &self.fonts.bold,
        }
    }

    /// Ends the page (with its footer) and starts the next.
    pub fn new_page(&mut self) {
        let footer = format!("{} · page {}", self.footer, self.pages.len() + 1);
        draw_text(
            &mut self.page,
            MARGIN,
            MARGIN - 24.0,
            &footer,
            Face::Regular,
            8.0,
            MUTED,
        );
        let page = std::mem::replace(&mut self.page, Content::new());
        self.pages.push(page);
        self.y = PAGE_HEIGHT - MARGIN;
    }

    /// Starts a new page unless `height` more points fit on this one.
    pub fn keep(&mut self, height: f32) {
        if self.y - height < MARGIN + FOOTER_ROOM {
            self.new_page();
        }
    }

    pub fn space(&mut self, points: f32) {
        self.y -= points;
    }

    /// One line at an exact place (covers, figures).
    pub fn text_at(&mut self, x: f32, y: f32, text: &str, face: Face, size: f32, color: [f32; 3]) {
        draw_text(&mut self.page, x, y, text, face, size, color);
    }

    /// Wrapped text in the column from `indent`, moving the cursor down.
    pub fn paragraph(&mut self, text: &str, face: Face, size: f32, indent: f32, color: [f32; 3]) {
        let leading = size * 1.4;
        for line in self.wrap(text, face, size, COLUMN - indent) {
            self.keep(leading);
            self.y -= leading;
            let y = self.y;
            draw_text(&mut self.page, MARGIN + indent, y, &line, face, size, color);
        }
    }

    /// A bullet point: the mark in the margin of the indented text.
    pub fn bullet(&mut self, text: &str, size: f32, indent: f32) {
        self.keep(size * 1.4);
        let y = self.y - size * 1.4;
        draw_text(
            &mut self.page,
            MARGIN + indent,
            y,
            "•",
            Face::Regular,
            size,
            ACCENT,
        );
        self.paragraph(text, Face::Regular, size, indent + 12.0, INK);
    }

    pub fn heading(&mut self, text: &str, size: f32) {
        self.keep(size * 4.0);
        self.space(size * 0.8);
        self.paragraph(text, Face::Bold, size, 0.0, ACCENT);
        self.space(size * 0.4);
    }

    /// The lines of `text` that fit `width`, words kept whole.
    pub fn wrap(&self, text: &str, face: Face, size: f32, width: f32) -> Vec<String> {
        super::font::wrap(self.font(face), text, size, width)
    }

    /// Takes `height` points of the column for a drawing; answers its top.
    pub fn reserve(&mut self, height: f32) -> f32 {
        self.keep(height);
        let top = self.y;
        self.y -= height;
        top
    }

    /// The page being written, for drawings.
    pub fn canvas(&mut self) -> &mut Content {
        &mut self.page
    }

    /// The whole file: catalog, pages, fonts and the document's title.
    pub fn finish(mut self, title: &str, author: &str) -> Vec<u8> {
        self.new_page();
        let mut next_id = 1;
        let mut next = move || {
            next_id += 1;
            Ref::new(next_id)
        };
        let (catalog_id, tree_id, info_id) = (Ref::new(1), next(), next());
        let (regular_id, bold_id) = (next(), next());
        let page_ids: Vec<(Ref, Ref)> = self.pages.iter().map(|_| (next(), next())).collect();
        let mut pdf = Pdf::new();
        pdf.catalog(catalog_id).pages(tree_id);
        pdf.pages(tree_id)
            .kids(page_ids.iter().map(|(page, _)| *page))
            .count(i32::try_from(page_ids.len()).unwrap_or(i32::MAX));
        pdf.document_info(info_id)
            .title(TextStr(title))
            .author(TextStr(author))
            .creator(TextStr("reportdesk"));
        for (content, (page_id, content_id)) in self.pages.into_iter().zip(&page_ids) {
            let mut page = pdf.page(*page_id);
            page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
                .parent(tree_id)
                .contents(*content_id);
            let mut resources = page.resources();
            let mut fonts = resources.fonts();
            fonts.pair(Face::Regular.resource(), regular_id);
            fonts.pair(Face::Bold.resource(), bold_id);
            fonts.finish();
            resources.finish();
            page.finish();
            let deflated = miniz_oxide::deflate::compress_to_vec_zlib(&content.finish(), 6);
            pdf.stream(*content_id, &deflated)
                .filter(Filter::FlateDecode);
        }
        self.fonts.regular.write(&mut pdf, regular_id, &mut next);
        self.fonts.bold.write(&mut pdf, bold_id, &mut next);
        pdf.finish()
    }
}

/// One line of text in a colour.
pub fn draw_text(
    content: &mut Content,
    x: f32,
    y: f32,
    text: &str,
    face: Face,
    size: f32,
    color: [f32; 3],
) {
    let bytes: Vec<u8> = text.chars().map(win_ansi).collect();
    content
        .set_fill_rgb(color[0], color[1], color[2])
        .begin_text()
        .set_font(face.resource(), size)
        .next_line(x, y)
        .show(Str(&bytes))
        .end_text();
}
