//! Pages served from memory many times a second drop their templates'
//! indentation once, when drawn: on the report page it is a ninth of the
//! bytes, and copying the body into the socket is the largest cost of
//! serving it.

/// Elements whose text keeps every space the template wrote.
const VERBATIM: [(&str, &str); 2] = [("<pre", "</pre>"), ("<textarea", "</textarea>")];

/// `html` without the spaces and tabs that begin its lines, and without
/// blank lines. A line break stays wherever there was one, so words and
/// inline elements stay apart exactly as before; the text of `<pre>` and
/// `<textarea>` is left as written.
pub fn without_indentation(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while !rest.is_empty() {
        let verbatim = VERBATIM
            .iter()
            .filter_map(|(open, close)| rest.find(open).map(|at| (at, *close)))
            .min_by_key(|(at, _)| *at);
        let Some((at, close)) = verbatim else {
            strip_lines(rest, &mut out);
            break;
        };
        strip_lines(&rest[..at], &mut out);
        let end = rest[at..]
            .find(close)
            .map_or(rest.len(), |end| at + end + close.len());
        out.push_str(&rest[at..end]);
        rest = &rest[end..];
    }
    out
}

fn strip_lines(text: &str, out: &mut String) {
    let mut lines = text.split('\n');
    // The first piece continues a line begun before it (or after a
    // verbatim element): its leading spaces are not indentation.
    if let Some(first) = lines.next() {
        out.push_str(first);
    }
    for line in lines {
        // One line break however many blank lines follow it.
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(line.trim_start_matches([' ', '\t']));
    }
}

#[cfg(test)]
mod tests {
    use super::without_indentation;

    #[test]
    fn indentation_and_blank_lines_go_and_line_breaks_stay() {
        let html = "<ul>\n    <li>One</li>\n\n\n    <li>Two <a href=\"#\">x</a>\n      words</li>\n</ul>\n";
        assert_eq!(
            without_indentation(html),
            "<ul>\n<li>One</li>\n<li>Two <a href=\"#\">x</a>\nwords</li>\n</ul>\n"
        );
    }

    #[test]
    fn preformatted_text_keeps_its_spaces() {
        let html = "<div>\n  <pre>  a\n    b</pre>\n  <textarea>\n  typed\n</textarea>\n  </div>";
        assert_eq!(
            without_indentation(html),
            "<div>\n<pre>  a\n    b</pre>\n<textarea>\n  typed\n</textarea>\n</div>"
        );
    }

    #[test]
    fn an_unclosed_preformatted_element_keeps_the_rest_as_it_is() {
        assert_eq!(without_indentation("a\n  <pre>\n  b"), "a\n<pre>\n  b");
    }

    #[test]
    fn spaces_inside_a_line_are_kept() {
        assert_eq!(without_indentation("a  b\n\tc  d"), "a  b\nc  d");
    }
}
