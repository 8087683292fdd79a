//! Drawing on canvases with plotters: the loss chart and the map. Canvases are sized in device
//! pixels (CSS size × devicePixelRatio) so lines and text stay crisp on high-DPI screens.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use web_sys::HtmlCanvasElement;

use super::measured_canvas::MeasuredCanvas;
use crate::pipeline::choose_k::KScore;
use crate::pipeline::train::EpochLoss;

/// Colour-blind-aware categorical palette: Okabe–Ito's hues, with its yellow and sky blue
/// darkened so every dot keeps about 3:1 contrast on the white map; then extra hues.
const PALETTE: [(u8, u8, u8); 12] = [
    (0, 114, 178),
    (230, 159, 0),
    (0, 158, 115),
    (204, 121, 167),
    (51, 146, 204),
    (213, 94, 0),
    (150, 138, 0),
    (0, 0, 0),
    (148, 103, 189),
    (140, 86, 75),
    (127, 127, 127),
    (23, 190, 207),
];

/// Colour of cluster `i`; beyond the palette, hues spaced by the golden angle.
pub fn cluster_colour(i: usize) -> RGBColor {
    match PALETTE.get(i) {
        Some(&(r, g, b)) => RGBColor(r, g, b),
        None => {
            let hue = (i as f64 * 137.508) % 360.0;
            let HSLColor(h, s, l) = HSLColor(hue / 360.0, 0.65, 0.45);
            let rgb = HSLColor(h, s, l).to_backend_color().rgb;
            RGBColor(rgb.0, rgb.1, rgb.2)
        }
    }
}

pub fn css_colour(i: usize) -> String {
    let RGBColor(r, g, b) = cluster_colour(i);
    format!("rgb({r},{g},{b})")
}

/// Sizes the canvas's backing store to its CSS box × devicePixelRatio; returns that ratio.
fn fit_to_screen(canvas: &HtmlCanvasElement, default_w: u32, default_h: u32) -> f64 {
    let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio()).max(1.0);
    let w = match canvas.client_width() {
        0 => default_w,
        w => w as u32,
    };
    let h = match canvas.client_height() {
        0 => default_h,
        h => h as u32,
    };
    canvas.set_width((f64::from(w) * ratio).round() as u32);
    canvas.set_height((f64::from(h) * ratio).round() as u32);
    ratio
}

/// Sizes `canvas` for the screen (`default` CSS pixels when it has no box yet) and draws with
/// `draw`. A chart that cannot be drawn leaves the canvas blank; the page's tables carry the
/// same numbers, so nothing is lost and nothing panics.
fn draw_on(
    canvas: &HtmlCanvasElement,
    default: (u32, u32),
    draw: impl FnOnce(MeasuredCanvas, f64) -> Result<(), Box<dyn std::error::Error>>,
) {
    let ratio = fit_to_screen(canvas, default.0, default.1);
    if let Some(backend) = MeasuredCanvas::new(canvas) {
        let _ = draw(backend, ratio);
    }
}

fn font(size: f64, ratio: f64) -> (&'static str, f64) {
    ("sans-serif", size * ratio)
}

/// Training and validation loss per epoch.
pub fn draw_losses(canvas: &HtmlCanvasElement, history: &[EpochLoss], epochs: usize) {
    draw_on(canvas, (640, 260), |backend, ratio| try_draw_losses(backend, history, epochs, ratio));
}

fn try_draw_losses(
    backend: MeasuredCanvas,
    history: &[EpochLoss],
    epochs: usize,
    ratio: f64,
) -> Result<(), Box<dyn std::error::Error>> {
    let root = backend.into_drawing_area();
    root.fill(&WHITE)?;
    let values = history.iter().flat_map(|l| std::iter::once(l.train_loss).chain(l.val_loss));
    let top = values.fold(0.0f32, f32::max).max(1e-3) * 1.1;
    let px = |v: f64| (v * ratio) as u32;
    let mut chart = ChartBuilder::on(&root)
        .margin(px(10.0))
        .x_label_area_size(px(34.0))
        .y_label_area_size(px(52.0))
        .build_cartesian_2d(1f32..(epochs.max(2) as f32), 0f32..top)?;
    chart
        .configure_mesh()
        .x_desc("Epoch")
        .y_desc("MSE")
        .x_labels(epochs.clamp(2, 10))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .label_style(font(12.0, ratio))
        .axis_desc_style(font(13.0, ratio))
        .draw()?;
    let stroke = px(2.0);
    let blue = cluster_colour(0);
    let orange = cluster_colour(1);
    chart.draw_series(LineSeries::new(
        history.iter().map(|l| (l.epoch as f32, l.train_loss)),
        blue.stroke_width(stroke),
    ))?;
    let mut legend = vec![("training".to_string(), Marker::Line(blue))];
    let val: Vec<(f32, f32)> = history.iter().filter_map(|l| l.val_loss.map(|v| (l.epoch as f32, v))).collect();
    if !val.is_empty() {
        chart.draw_series(LineSeries::new(val, orange.stroke_width(stroke)))?;
        legend.push(("validation".to_string(), Marker::Line(orange)));
    }
    draw_legend(&root, chart.plotting_area().get_pixel_range(), &legend, ratio)?;
    root.present()?;
    Ok(())
}

/// Inertia (left axis) and mean silhouette (right axis) for each k; the suggested k is marked.
pub fn draw_k_chart(canvas: &HtmlCanvasElement, scores: &[KScore], suggested: Option<usize>) {
    draw_on(canvas, (640, 260), |backend, ratio| try_draw_k_chart(backend, scores, suggested, ratio));
}

fn try_draw_k_chart(
    backend: MeasuredCanvas,
    scores: &[KScore],
    suggested: Option<usize>,
    ratio: f64,
) -> Result<(), Box<dyn std::error::Error>> {
    let (Some(first), Some(last)) = (scores.first(), scores.last()) else { return Ok(()) };
    let root = backend.into_drawing_area();
    root.fill(&WHITE)?;
    let px = |v: f64| (v * ratio) as u32;
    let ks = first.k as f64..(last.k as f64).max(first.k as f64 + 1.0);
    let top = scores.iter().map(|s| s.inertia).fold(0.0, f64::max).max(1e-9) * 1.1;
    let lo = scores.iter().map(|s| s.silhouette).fold(0.0, f64::min) - 0.05;
    let hi = scores.iter().map(|s| s.silhouette).fold(0.0, f64::max) + 0.05;
    let mut chart = ChartBuilder::on(&root)
        .margin(px(10.0))
        .x_label_area_size(px(34.0))
        .y_label_area_size(px(64.0))
        .right_y_label_area_size(px(52.0))
        .build_cartesian_2d(ks.clone(), 0f64..top)?
        .set_secondary_coord(ks, lo..hi);
    chart
        .configure_mesh()
        .x_desc("k")
        .y_desc("Inertia")
        .x_labels(scores.len().clamp(2, 20))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .label_style(font(12.0, ratio))
        .axis_desc_style(font(13.0, ratio))
        .draw()?;
    chart
        .configure_secondary_axes()
        .y_desc("Silhouette")
        .label_style(font(12.0, ratio))
        .axis_desc_style(font(13.0, ratio))
        .draw()?;
    let (blue, orange, stroke) = (cluster_colour(0), cluster_colour(1), px(2.0));
    chart.draw_series(LineSeries::new(scores.iter().map(|s| (s.k as f64, s.inertia)), blue.stroke_width(stroke)))?;
    chart.draw_secondary_series(LineSeries::new(
        scores.iter().map(|s| (s.k as f64, s.silhouette)),
        orange.stroke_width(stroke),
    ))?;
    if let Some(best) = scores.iter().find(|s| Some(s.k) == suggested) {
        let marker = Circle::new((best.k as f64, best.silhouette), px(6.0), orange.filled());
        chart.draw_secondary_series(std::iter::once(marker))?;
    }
    let legend = [
        ("inertia".to_string(), Marker::Line(blue)),
        ("silhouette (dot: suggested k)".to_string(), Marker::Line(orange)),
    ];
    draw_legend(&root, chart.plotting_area().get_pixel_range(), &legend, ratio)?;
    root.present()?;
    Ok(())
}

const LEGEND_MAX: usize = 12;

/// How a legend entry is marked.
enum Marker {
    Line(RGBColor),
    Dot(RGBColor),
    Ring,
}

/// A legend in the upper right of the plotting area. Drawn here rather than with plotters'
/// series labels, which measure text with a styled `<span>` that the page's CSP forbids.
fn draw_legend(
    root: &DrawingArea<MeasuredCanvas, plotters::coord::Shift>,
    (xs, ys): (std::ops::Range<i32>, std::ops::Range<i32>),
    entries: &[(String, Marker)],
    ratio: f64,
) -> Result<(), Box<dyn std::error::Error>> {
    let px = |v: f64| (v * ratio).round() as i32;
    let style = TextStyle::from(font(12.0, ratio).into_font()).color(&BLACK);
    let mut text_w = 0;
    for (label, _) in entries {
        text_w = text_w.max(root.estimate_text_size(label, &style)?.0 as i32);
    }
    let (pad, row, mark) = (px(6.0), px(18.0), px(22.0));
    let (w, h) = (3 * pad + mark + text_w, 2 * pad + row * entries.len() as i32);
    let (left, top) = (xs.end - w - pad, ys.start + pad);
    root.draw(&Rectangle::new([(left, top), (left + w, top + h)], WHITE.mix(0.85).filled()))?;
    root.draw(&Rectangle::new([(left, top), (left + w, top + h)], BLACK.stroke_width(1)))?;
    let anchored = style.pos(Pos::new(HPos::Left, VPos::Center));
    for (i, (label, marker)) in entries.iter().enumerate() {
        let y = top + pad + row * i as i32 + row / 2;
        match marker {
            Marker::Line(c) => root.draw(&PathElement::new(
                vec![(left + pad, y), (left + pad + mark, y)],
                c.stroke_width(px(2.0).max(1) as u32),
            ))?,
            Marker::Dot(c) => root.draw(&Circle::new((left + pad + mark / 2, y), px(5.0), c.filled()))?,
            Marker::Ring => {
                root.draw(&Circle::new((left + pad + mark / 2, y), px(6.0), BLACK.stroke_width(px(2.0).max(1) as u32)))?
            }
        }
        root.draw(&Text::new(label.clone(), (left + 2 * pad + mark, y), anchored.clone()))?;
    }
    Ok(())
}

/// What the map shows.
pub struct MapData<'a> {
    /// `[x, y]` per song.
    pub xy: &'a [f32],
    pub labels: &'a [u16],
    pub k: usize,
    pub x_desc: &'a str,
    pub y_desc: &'a str,
    /// A chosen song and the songs recommended for it (rows of `xy`), ringed on top.
    pub highlight: Option<(usize, &'a [usize])>,
}

/// The 2D map: one dot per song, coloured by cluster, with axes and a legend.
pub fn draw_map(canvas: &HtmlCanvasElement, data: &MapData) {
    draw_on(canvas, (800, 560), |backend, ratio| try_draw_map(backend, data, ratio));
}

fn bounds(values: impl Iterator<Item = f32>) -> (f32, f32) {
    let (lo, hi) =
        values.filter(|v| v.is_finite()).fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        return (-1.0, 1.0);
    }
    let pad = ((hi - lo) * 0.05).max(1e-3);
    (lo - pad, hi + pad)
}

fn try_draw_map(backend: MeasuredCanvas, data: &MapData, ratio: f64) -> Result<(), Box<dyn std::error::Error>> {
    let root = backend.into_drawing_area();
    root.fill(&WHITE)?;
    let (x0, x1) = bounds(data.xy.iter().step_by(2).copied());
    let (y0, y1) = bounds(data.xy.iter().skip(1).step_by(2).copied());
    let px = |v: f64| (v * ratio) as u32;
    let mut chart = ChartBuilder::on(&root)
        .margin(px(12.0))
        .x_label_area_size(px(36.0))
        .y_label_area_size(px(52.0))
        .build_cartesian_2d(x0..x1, y0..y1)?;
    chart
        .configure_mesh()
        .x_desc(data.x_desc)
        .y_desc(data.y_desc)
        .label_style(font(12.0, ratio))
        .axis_desc_style(font(13.0, ratio))
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    // Few songs: bigger dots so each is visible; many: small ones so clusters do not smear.
    let n = data.labels.len();
    let radius = px(if n < 5_000 {
        3.0
    } else if n < 50_000 {
        1.8
    } else {
        1.2
    })
    .max(1);
    for cluster in 0..data.k {
        let colour = cluster_colour(cluster);
        let points = data
            .xy
            .chunks_exact(2)
            .zip(data.labels)
            .filter(|(_, &l)| usize::from(l) == cluster)
            .map(|(p, _)| (p[0], p[1]));
        chart.draw_series(points.map(|p| Circle::new(p, radius, colour.mix(0.7).filled())))?;
    }
    // A legend of more entries would cover the map; the cluster table lists them all.
    let mut legend: Vec<(String, Marker)> =
        (0..data.k.min(LEGEND_MAX)).map(|c| (format!("Cluster {c}"), Marker::Dot(cluster_colour(c)))).collect();
    if let Some((chosen, similar)) = data.highlight {
        let at = |row: usize| data.xy.get(row * 2..row * 2 + 2).map(|p| (p[0], p[1]));
        let ring = |width: f64| BLACK.stroke_width(px(width).max(1));
        chart.draw_series(similar.iter().filter_map(|&r| at(r)).map(|p| Circle::new(p, px(5.0), ring(1.5))))?;
        if let Some(p) = at(chosen) {
            chart.draw_series([Circle::new(p, px(9.0), ring(3.0)), Circle::new(p, px(3.0), BLACK.filled())])?;
        }
        legend.push(("chosen song (thick ring), similar songs".to_string(), Marker::Ring));
    }
    draw_legend(&root, chart.plotting_area().get_pixel_range(), &legend, ratio)?;
    root.present()?;
    Ok(())
}
