//! The map's geometry, pure and tested natively: which part of the 2D projection is on screen
//! (`Viewport`), the dots rasterised into an RGBA buffer (`raster`), the song under the pointer
//! (`index`), and the colour of each dot (`colours`). The page only puts the result on a canvas.

pub mod colours;
pub mod index;
pub mod labels;
pub mod lasso;
pub mod raster;
pub mod svg;

/// Draws, indexes and places names on a throwaway map of `songs` dots, and returns how many of
/// its pixels were drawn. Browsers run a wasm function first as quickly compiled, slower code and
/// compile it fully only once it has run a while, so a session's first real map was drawn and
/// indexed at half speed (at 1M songs the first draw took 40-47 ms, later ones 18-20 ms, and the
/// index and the names after it were a task of 53 ms); the page calls this once while the worker
/// trains, so that the first map gets the compiled code.
pub fn warm_up(songs: usize) -> usize {
    let xy: Vec<f32> = (0..songs).flat_map(|i| [(i % 97) as f32, (i % 89) as f32]).collect();
    let colours = vec![[40u8, 90, 160]; songs];
    let clusters: Vec<u16> = (0..songs).map(|i| (i % 10) as u16).collect();
    let view = Viewport::fit(&xy);
    let pixels = raster::rasterize(&xy, &colours, 0..songs, &view, (120, 90), raster::radius_for(songs, 1.0), 0.75);
    let index = index::GridIndex::build(&xy);
    let placed = labels::centres(&xy, &clusters, 10).iter().flatten().count();
    pixels.pixels.iter().filter(|&&p| p != 255).count() + usize::from(index.nearest(&xy, (1.0, 1.0), 1.0).is_some()) * placed
}

/// The rectangle of data space that is on screen. y grows upwards, as on the axes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub x0: f32,
    pub x1: f32,
    pub y0: f32,
    pub y1: f32,
}

/// The most a user can zoom in, relative to the whole map: beyond it dots only spread apart.
pub const MAX_ZOOM: f32 = 10_000.0;

impl Viewport {
    /// Everything in `xy` (`[x, y]` per song) with a 5% margin; a unit square for no data.
    pub fn fit(xy: &[f32]) -> Viewport {
        let (x0, x1) = padded_range(xy.iter().step_by(2).copied());
        let (y0, y1) = padded_range(xy.iter().skip(1).step_by(2).copied());
        Viewport { x0, x1, y0, y1 }
    }

    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }

    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }

    pub fn centre(&self) -> (f32, f32) {
        ((self.x0 + self.x1) / 2.0, (self.y0 + self.y1) / 2.0)
    }

    /// How far in this view is zoomed compared with `whole`.
    pub fn zoom_of(&self, whole: &Viewport) -> f32 {
        whole.width() / self.width().max(f32::MIN_POSITIVE)
    }

    /// Zoomed by `factor` (>1 closer) keeping the data point `(x, y)` where it is on screen, as
    /// a wheel turn under the pointer does. Held between the whole map and `MAX_ZOOM`.
    pub fn zoomed(&self, factor: f32, (x, y): (f32, f32), whole: &Viewport) -> Viewport {
        if !factor.is_finite() || factor <= 0.0 {
            return *self;
        }
        let zoom = (self.zoom_of(whole) * factor).clamp(1.0, MAX_ZOOM);
        let scale = whole.width() / zoom / self.width().max(f32::MIN_POSITIVE);
        let v = Viewport {
            x0: x - (x - self.x0) * scale,
            x1: x + (self.x1 - x) * scale,
            y0: y - (y - self.y0) * scale,
            y1: y + (self.y1 - y) * scale,
        };
        if zoom <= 1.0 {
            *whole
        } else {
            v
        }
    }

    /// Moved by `(dx, dy)` in data units.
    pub fn panned(&self, dx: f32, dy: f32) -> Viewport {
        Viewport { x0: self.x0 + dx, x1: self.x1 + dx, y0: self.y0 + dy, y1: self.y1 + dy }
    }

    /// The same size, centred on `(x, y)`.
    pub fn centred_on(&self, (x, y): (f32, f32)) -> Viewport {
        let (cx, cy) = self.centre();
        self.panned(x - cx, y - cy)
    }

    /// Data point → pixel in a `w × h` box (pixel y grows downwards).
    pub fn to_pixel(&self, (x, y): (f32, f32), w: f32, h: f32) -> (f32, f32) {
        ((x - self.x0) / self.width() * w, (self.y1 - y) / self.height() * h)
    }

    /// Where a picture of this view, drawn in a `w × h` box, lands in the same box showing `to`:
    /// `(left, top, width, height)` in pixels. While the map moves, the last picture of the dots
    /// is shown there, moved and scaled, until they are drawn again at rest.
    pub fn placed_in(&self, to: &Viewport, w: f32, h: f32) -> (f32, f32, f32, f32) {
        let (left, top) = to.to_pixel((self.x0, self.y1), w, h);
        let scale = |mine: f32, theirs: f32| mine / theirs.abs().max(f32::MIN_POSITIVE);
        (left, top, scale(self.width(), to.width()) * w, scale(self.height(), to.height()) * h)
    }

    /// Pixel in a `w × h` box → data point.
    pub fn to_data(&self, (px, py): (f32, f32), w: f32, h: f32) -> (f32, f32) {
        (self.x0 + px / w.max(1.0) * self.width(), self.y1 - py / h.max(1.0) * self.height())
    }
}

/// The smallest and largest of finite `values`; `(∞, -∞)` when there are none.
///
/// Comparisons rather than `f32::min`/`max`: those ignore NaN, which wasm's own min/max
/// instructions do not, so in wasm each is a call to `fminf`/`fmaxf` (7 ms of a 100k-song map).
pub fn finite_range(values: impl Iterator<Item = f32>) -> (f32, f32) {
    values.filter(|v| v.is_finite()).fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| {
        (if v < lo { v } else { lo }, if v > hi { v } else { hi })
    })
}

fn padded_range(values: impl Iterator<Item = f32>) -> (f32, f32) {
    let (lo, hi) = finite_range(values);
    if lo > hi {
        return (-1.0, 1.0);
    }
    let pad = ((hi - lo) * 0.05).max(1e-3);
    (lo - pad, hi + pad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_warm_up_draws_indexes_and_places_names() {
        assert!(warm_up(5_000) > 10);
    }

    #[test]
    fn fit_pads_and_handles_nothing() {
        let v = Viewport::fit(&[0.0, 0.0, 10.0, 20.0]);
        assert_eq!((v.x0, v.x1, v.y0, v.y1), (-0.5, 10.5, -1.0, 21.0));
        assert_eq!(Viewport::fit(&[]), Viewport { x0: -1.0, x1: 1.0, y0: -1.0, y1: 1.0 });
        assert_eq!(Viewport::fit(&[f32::NAN, 1.0]).y0, 1.0 - 1e-3);
    }

    #[test]
    fn zoom_keeps_the_point_under_the_pointer_and_stays_in_bounds() {
        let whole = Viewport { x0: 0.0, x1: 10.0, y0: 0.0, y1: 10.0 };
        let v = whole.zoomed(2.0, (2.0, 8.0), &whole);
        assert_eq!((v.x0, v.x1, v.y0, v.y1), (1.0, 6.0, 4.0, 9.0));
        let (px, py) = whole.to_pixel((2.0, 8.0), 100.0, 100.0);
        let (qx, qy) = v.to_pixel((2.0, 8.0), 100.0, 100.0);
        assert!((px / 100.0 - 0.2).abs() < 1e-6 && (qx / 100.0 - 0.2).abs() < 1e-6 && (py - qy).abs() < 1e-4);
        assert_eq!(v.zoomed(0.25, (3.0, 3.0), &whole), whole);
        let deep = (0..40).fold(whole, |v, _| v.zoomed(10.0, (5.0, 5.0), &whole));
        assert!((deep.zoom_of(&whole) - MAX_ZOOM).abs() / MAX_ZOOM < 1e-3);
        assert_eq!(whole.zoomed(f32::NAN, (1.0, 1.0), &whole), whole);
    }

    #[test]
    fn a_picture_of_one_view_lands_where_its_dots_are_in_another() {
        let drawn = Viewport { x0: 0.0, x1: 10.0, y0: 0.0, y1: 20.0 };
        assert_eq!(drawn.placed_in(&drawn, 100.0, 200.0), (0.0, 0.0, 100.0, 200.0));
        // Dragged right by a tenth of the width, up by a quarter of the height.
        let panned = drawn.panned(-1.0, -5.0);
        assert_eq!(drawn.placed_in(&panned, 100.0, 200.0), (10.0, -50.0, 100.0, 200.0));
        // Twice as close about the centre: the picture doubles and its corner leaves the box.
        let whole = Viewport { x0: -100.0, x1: 100.0, y0: -100.0, y1: 100.0 };
        let closer = drawn.zoomed(2.0, drawn.centre(), &whole);
        assert_eq!(drawn.placed_in(&closer, 100.0, 200.0), (-50.0, -100.0, 200.0, 400.0));
        // Each dot of the picture lands where the new view would draw it.
        let song = (7.0, 3.0);
        let (l, t, w, h) = drawn.placed_in(&closer, 100.0, 200.0);
        let (px, py) = drawn.to_pixel(song, 100.0, 200.0);
        let (qx, qy) = closer.to_pixel(song, 100.0, 200.0);
        assert!((l + px * w / 100.0 - qx).abs() < 1e-3 && (t + py * h / 200.0 - qy).abs() < 1e-3);
    }

    #[test]
    fn pixels_and_data_round_trip_and_centring_moves_the_view() {
        let v = Viewport { x0: -2.0, x1: 2.0, y0: 0.0, y1: 8.0 };
        let p = v.to_pixel((1.0, 2.0), 400.0, 800.0);
        assert_eq!(p, (300.0, 600.0));
        assert_eq!(v.to_data(p, 400.0, 800.0), (1.0, 2.0));
        let c = v.centred_on((10.0, 10.0));
        assert_eq!(c.centre(), (10.0, 10.0));
        assert_eq!((c.width(), c.height()), (4.0, 8.0));
    }
}
