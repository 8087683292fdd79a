//! While the map moves under the pointer (a drag, the wheel, the zoom buttons): the dots last
//! drawn are shown moved and scaled to the new view, one copy inside the browser's canvas code
//! (a millisecond or two), instead of every song drawn again (50–80 ms at a million songs, which
//! held the map to about 15 frames a second). The map is drawn in full once it rests.

use web_sys::HtmlCanvasElement;

use super::charts::{context, copy_into, off_page_canvas, PlotArea};
use crate::mapview::Viewport;

/// A full draw slower than this (ms) is shown as a moved picture while the map moves; a quicker
/// one is simply drawn again each frame, exact all the way.
pub const PICTURE_AFTER_MS: f64 = 10.0;
/// The map counts as at rest this long (ms) after it last moved.
pub const REST_MS: u64 = 150;

/// The last full draw's dots (copied before the legend went over them), its legend as drawn,
/// and where and for which view they were drawn.
pub struct Picture {
    dots: HtmlCanvasElement,
    legend: HtmlCanvasElement,
    drawn: Option<(PlotArea, Viewport)>,
}

impl Picture {
    pub fn new() -> Option<Picture> {
        Some(Picture { dots: off_page_canvas()?, legend: off_page_canvas()?, drawn: None })
    }

    /// The canvas a full draw copies its dots onto.
    pub fn dots(&self) -> &HtmlCanvasElement {
        &self.dots
    }

    /// After a full draw of `view` on `canvas`: the dots are on `dots()` already; the legend is
    /// copied from the canvas as drawn.
    pub fn drawn(&mut self, canvas: &HtmlCanvasElement, area: PlotArea, view: Viewport) {
        if let Some(rect) = area.legend {
            copy_into(canvas, &self.legend, rect);
        }
        self.drawn = Some((area, view));
    }

    /// Forgets the picture: the next change of view is drawn in full.
    pub fn forget(&mut self) {
        self.drawn = None;
    }

    /// Shows the picture on `canvas` as `view` would place its dots: the plot area is cleared,
    /// the dots copied in moved and scaled, the legend put back where it was. The axes keep
    /// their last numbers until the full draw. False when there is no picture to show.
    pub fn show(&self, canvas: &HtmlCanvasElement, view: &Viewport) -> bool {
        let (Some((area, drawn)), Some(ctx)) = (self.drawn, context(canvas)) else { return false };
        let (left, top, w, h) = drawn.placed_in(view, area.width as f32, area.height as f32);
        ctx.save();
        ctx.begin_path();
        ctx.rect(area.left, area.top, area.width, area.height);
        ctx.clip();
        ctx.set_fill_style_str("#fff");
        ctx.fill_rect(area.left, area.top, area.width, area.height);
        let placed = ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
            &self.dots,
            area.left + f64::from(left),
            area.top + f64::from(top),
            f64::from(w),
            f64::from(h),
        );
        ctx.restore();
        if let Some([x, y, _, _]) = area.legend {
            let _ = ctx.draw_image_with_html_canvas_element(&self.legend, x, y);
        }
        placed.is_ok()
    }
}
