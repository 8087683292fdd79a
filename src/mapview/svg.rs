//! The map as SVG: one circle per song inside the view, the clusters' names, the axes' titles.
//! Text from the file (cluster names the person typed, genres) is escaped, never markup.

use std::fmt::Write;

use super::raster::radius_for;
use super::Viewport;

/// Most songs an SVG holds: past this the file gets too big for an editor to open (a circle is
/// about 60 bytes), and the PNG at 4× is the better picture.
pub const SVG_MAX_SONGS: usize = 50_000;

/// What the SVG shows.
pub struct SvgMap<'a> {
    /// `[x, y]` per song and one colour per song.
    pub xy: &'a [f32],
    pub colours: &'a [[u8; 3]],
    pub view: Viewport,
    /// How far the view is zoomed in (1 = the whole map).
    pub zoom: f32,
    /// The picture's size in pixels.
    pub size: (u32, u32),
    pub axes: (&'a str, &'a str),
    /// Names to write at data points (cluster names at their centres).
    pub names: &'a [(String, (f32, f32))],
}

/// Characters that would otherwise be read as markup.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0 at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// The SVG document; `None` when there are more songs than `SVG_MAX_SONGS`.
pub fn map_svg(map: &SvgMap) -> Option<String> {
    let n = map.xy.len() / 2;
    if n > SVG_MAX_SONGS {
        return None;
    }
    // The plotting area, inside margins for the axes' titles.
    let (w, h) = (f64::from(map.size.0), f64::from(map.size.1));
    let (left, top, right, bottom) = (40.0, 12.0, 12.0, 36.0);
    let (pw, ph) = ((w - left - right).max(1.0), (h - top - bottom).max(1.0));
    let r = f64::from(radius_for(n, map.zoom));
    let mut svg = String::with_capacity(64 * n + 1024);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="system-ui, sans-serif"><rect width="100%" height="100%" fill="white"/><rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="gray"/><g stroke="none">"#
    );
    for (p, [cr, cg, cb]) in map.xy.chunks_exact(2).zip(map.colours) {
        let (x, y) = map.view.to_pixel((p[0], p[1]), pw as f32, ph as f32);
        let (x, y) = (left + f64::from(x), top + f64::from(y));
        if x >= left && x <= left + pw && y >= top && y <= top + ph {
            let _ = write!(
                svg,
                r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r:.1}" fill="rgb({cr},{cg},{cb})" fill-opacity="0.75"/>"#
            );
        }
    }
    svg.push_str(r#"</g><g font-size="12" font-weight="600" text-anchor="middle" paint-order="stroke" stroke="white" stroke-width="4" fill="rgb(27,31,36)">"#);
    for (name, at) in map.names {
        let (x, y) = map.view.to_pixel(*at, pw as f32, ph as f32);
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}">{}</text>"#,
            left + f64::from(x),
            top + f64::from(y),
            escape(name)
        );
    }
    let _ = write!(
        svg,
        r#"</g><g font-size="13" fill="rgb(51,51,51)" text-anchor="middle"><text x="{:.1}" y="{:.1}">{}</text><text transform="translate(14 {:.1}) rotate(-90)">{}</text></g></svg>"#,
        left + pw / 2.0,
        h - 10.0,
        escape(map.axes.0),
        top + ph / 2.0,
        escape(map.axes.1)
    );
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map<'a>(xy: &'a [f32], colours: &'a [[u8; 3]], names: &'a [(String, (f32, f32))]) -> SvgMap<'a> {
        let view = Viewport { x0: 0.0, x1: 10.0, y0: 0.0, y1: 10.0 };
        SvgMap { xy, colours, view, zoom: 1.0, size: (452, 348), axes: ("PC 1", "PC 2"), names }
    }

    #[test]
    fn every_song_in_view_is_a_circle_and_names_are_text_not_markup() {
        let xy = [5.0, 5.0, 0.0, 10.0, 20.0, 5.0];
        let colours = [[1, 2, 3], [4, 5, 6], [7, 8, 9]];
        let names = vec![("<script>alert(1)</script> & \"rock\"".to_string(), (5.0, 5.0))];
        let svg = map_svg(&map(&xy, &colours, &names)).unwrap();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"452\" height=\"348\""));
        assert_eq!(svg.matches("<circle").count(), 2, "the song at x = 20 is outside the view");
        // The middle of the view is the middle of the 400 × 300 plotting area, inside its margins.
        assert!(svg.contains(r#"<circle cx="240.0" cy="162.0" r="3.0" fill="rgb(1,2,3)""#), "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;rock&quot;"));
        assert!(!svg.contains("<script"));
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn too_many_songs_make_no_svg() {
        let xy = vec![1.0; 2 * (SVG_MAX_SONGS + 1)];
        let colours = vec![[0, 0, 0]; SVG_MAX_SONGS + 1];
        assert!(map_svg(&map(&xy, &colours, &[])).is_none());
        assert_eq!(escape("a\u{1}b\tc"), "ab\tc");
    }
}
