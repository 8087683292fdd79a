//! Dots drawn into an RGBA pixel buffer, put on the canvas in one call: drawing 1M songs as
//! canvas circles (one path each) takes seconds; writing pixels takes milliseconds.

use super::Viewport;

/// An RGBA image, row-major, 4 bytes a pixel, white where nothing is drawn.
pub struct Raster {
    pub width: usize,
    pub height: usize,
    pub pixels: Vec<u8>,
}

/// Dot radius in pixels for `n` songs: big enough to see a few, small enough that many
/// clusters do not smear into one colour.
pub fn radius_for(n: usize, zoom: f32) -> f32 {
    let base = if n < 5_000 {
        3.0
    } else if n < 50_000 {
        1.8
    } else {
        1.1
    };
    // Zooming in gives the dots room: let them grow a little, up to the size of a few songs.
    (base * zoom.max(1.0).powf(0.25)).min(4.0)
}

/// A disc's pixel offsets for `radius`, computed once per draw rather than per dot.
fn disc(radius: f32) -> Vec<(i32, i32)> {
    let r = radius.max(0.5);
    let reach = r.ceil() as i32;
    let mut offsets = Vec::new();
    for dy in -reach..=reach {
        for dx in -reach..=reach {
            if (dx * dx + dy * dy) as f32 <= r * r + 0.25 {
                offsets.push((dx, dy));
            }
        }
    }
    offsets
}

/// Draws each song `i` at `xy[2i..2i+2]` in `colours[i]`, in order `order` (later on top),
/// blended at `alpha` over what is there. Songs outside the view are skipped.
pub fn rasterize(
    xy: &[f32],
    colours: &[[u8; 3]],
    order: impl Iterator<Item = usize>,
    view: &Viewport,
    (width, height): (usize, usize),
    radius: f32,
    alpha: f32,
) -> Raster {
    let mut pixels = vec![255u8; width * height * 4];
    let offsets = disc(radius);
    let (w, h) = (width as f32, height as f32);
    // Blending in integers (alpha out of 256): float rounding is a function call per channel
    // in wasm, and it was most of the time at 100k songs.
    let a = (alpha.clamp(0.0, 1.0) * 256.0).round() as i32;
    for i in order {
        let (Some(p), Some(c)) = (xy.get(2 * i..2 * i + 2), colours.get(i)) else { continue };
        let (px, py) = view.to_pixel((p[0], p[1]), w, h);
        if !(px.is_finite() && py.is_finite()) || px < -8.0 || py < -8.0 || px > w + 8.0 || py > h + 8.0 {
            continue;
        }
        let (cx, cy) = (px as i32, py as i32);
        for &(dx, dy) in &offsets {
            let (x, y) = (cx + dx, cy + dy);
            if x < 0 || y < 0 || x >= width as i32 || y >= height as i32 {
                continue;
            }
            let at = (y as usize * width + x as usize) * 4;
            if let Some(px) = pixels.get_mut(at..at + 3) {
                for (old, new) in px.iter_mut().zip(c) {
                    let o = i32::from(*old);
                    *old = (o + (((i32::from(*new) - o) * a + 128) >> 8)) as u8;
                }
            }
        }
    }
    Raster { width, height, pixels }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pixel(r: &Raster, x: usize, y: usize) -> [u8; 4] {
        let at = (y * r.width + x) * 4;
        [r.pixels[at], r.pixels[at + 1], r.pixels[at + 2], r.pixels[at + 3]]
    }

    #[test]
    fn dots_land_where_the_viewport_says_and_later_ones_are_on_top() {
        let view = Viewport { x0: 0.0, x1: 10.0, y0: 0.0, y1: 10.0 };
        let xy = [2.0, 8.0, 2.0, 8.0, 9.5, 0.5, 50.0, 50.0];
        let colours = [[255, 0, 0], [0, 0, 255], [0, 255, 0], [0, 0, 0]];
        let r = rasterize(&xy, &colours, 0..4, &view, (100, 100), 1.0, 1.0);
        assert_eq!(pixel(&r, 20, 20), [0, 0, 255, 255], "the second song at the same place is on top");
        assert_eq!(pixel(&r, 95, 95), [0, 255, 0, 255]);
        assert_eq!(pixel(&r, 50, 50), [255, 255, 255, 255], "empty space stays white");
        let black = r.pixels.chunks_exact(4).filter(|p| p[..3] == [0, 0, 0]).count();
        assert_eq!(black, 0, "a song outside the view draws nothing");
    }

    #[test]
    fn alpha_blends_over_white_and_radius_sets_the_size() {
        let view = Viewport { x0: 0.0, x1: 1.0, y0: 0.0, y1: 1.0 };
        let r = rasterize(&[0.5, 0.5], &[[0, 0, 0]], 0..1, &view, (21, 21), 3.0, 0.5);
        // 255 + ((0 - 255) * 128 + 128) >> 8 = 255 - 127 = 128 (half way, rounded).
        assert_eq!(pixel(&r, 10, 10)[..3], [128, 128, 128]);
        let painted = r.pixels.chunks_exact(4).filter(|p| p[0] != 255).count();
        assert_eq!(painted, disc(3.0).len());
        assert!((25..=37).contains(&painted), "a disc of radius 3 covers about 29 pixels, got {painted}");
    }

    #[test]
    fn radius_shrinks_with_more_songs_and_grows_a_little_with_zoom() {
        assert!(radius_for(1_000, 1.0) > radius_for(100_000, 1.0));
        assert!(radius_for(100_000, 16.0) > radius_for(100_000, 1.0));
        assert!(radius_for(10, 1e6) <= 4.0);
    }
}
