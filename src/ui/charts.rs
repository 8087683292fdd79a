//! Drawing on canvases with plotters: the loss chart and the map. Canvases are sized in device
//! pixels (CSS size × devicePixelRatio) so lines and text stay crisp on high-DPI screens.

use leptos::prelude::{request_animation_frame, set_timeout};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use super::measured_canvas::MeasuredCanvas;
use crate::mapview::colours::{categorical, Palette};
use crate::mapview::raster::{radius_for, rasterize, Raster};
use crate::mapview::Viewport;
use crate::pipeline::analysis::choose_k::KScore;
use crate::pipeline::model::train::EpochLoss;

/// Colour of cluster `i` in the default palette (loss and k charts, cluster swatches).
pub fn cluster_colour(i: usize) -> RGBColor {
    let [r, g, b] = categorical(i, Palette::OkabeIto);
    RGBColor(r, g, b)
}

/// Runs `f` in a task of its own once the next frame has been painted.
///
/// New results change much of the page at once. Drawing a chart straight away reads the canvas's
/// size, which forces the browser to lay the page out there and then; drawing in the frame (an
/// animation-frame callback) adds the drawing to the frame's own layout and paint. Either way
/// the page was one long task of 50–90 ms at 100k songs. After the paint the layout is done, so
/// the drawing costs only itself.
pub fn after_paint(f: impl FnOnce() + 'static) {
    request_animation_frame(move || set_timeout(f, std::time::Duration::ZERO));
}

/// A canvas that is not on the page (a picture kept, an image to download).
pub fn off_page_canvas() -> Option<HtmlCanvasElement> {
    let document = web_sys::window()?.document()?;
    document.create_element("canvas").ok()?.dyn_into().ok()
}

/// The 2D context of a canvas.
pub fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok()??.dyn_into().ok()
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

/// A legend of more entries would cover the map; the tables list them all.
pub const LEGEND_MAX: usize = 12;

/// How a legend entry is marked.
enum Marker {
    Line(RGBColor),
    Dot(RGBColor),
}

/// A legend in the upper right of the plotting area. Drawn here rather than with plotters'
/// series labels, which measure text with a styled `<span>` that the page's CSP forbids.
fn draw_legend(
    root: &DrawingArea<MeasuredCanvas, plotters::coord::Shift>,
    (xs, ys): (std::ops::Range<i32>, std::ops::Range<i32>),
    entries: &[(String, Marker)],
    ratio: f64,
) -> Result<[f64; 4], Box<dyn std::error::Error>> {
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
        }
        root.draw(&Text::new(label.clone(), (left + 2 * pad + mark, y), anchored.clone()))?;
    }
    // One pixel more on each side for the border's stroke.
    Ok([f64::from(left - 1), f64::from(top - 1), f64::from(w + 2), f64::from(h + 2)])
}

/// What the map shows.
pub struct MapData<'a> {
    /// `[x, y]` per song.
    pub xy: &'a [f32],
    /// One colour per song.
    pub colours: &'a [[u8; 3]],
    pub view: Viewport,
    /// How far the view is zoomed in (1 = the whole map).
    pub zoom: f32,
    pub x_desc: &'a str,
    pub y_desc: &'a str,
    pub legend: Vec<(String, [u8; 3])>,
}

/// Where the plotting area ended up on the canvas, in canvas pixels: the overlay and the
/// pointer need it to turn pixels into map coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlotArea {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
    /// Canvas pixels per CSS pixel.
    pub ratio: f64,
    /// The legend's box over the plot, `[left, top, width, height]` in canvas pixels.
    pub legend: Option<[f64; 4]>,
}

impl PlotArea {
    /// Where the data point `p` of `view` falls on the canvas, in canvas pixels.
    pub fn canvas_point(&self, view: &Viewport, p: (f32, f32)) -> (f64, f64) {
        let (x, y) = view.to_pixel(p, self.width as f32, self.height as f32);
        (self.left + f64::from(x), self.top + f64::from(y))
    }
}

/// The map: axes and legend by plotters, the dots rasterised into one pixel buffer and put on
/// the canvas in a single call. `keep`, when given, receives a copy of the plot area's dots
/// before the legend goes over them (the picture shown while the map moves).
pub fn draw_map(canvas: &HtmlCanvasElement, data: &MapData, keep: Option<&HtmlCanvasElement>) -> Option<PlotArea> {
    let mut area = None;
    draw_on(canvas, (800, 560), |backend, ratio| {
        area = Some(try_draw_map(backend, canvas, data, ratio, keep)?);
        Ok(())
    });
    area
}

/// `draw_map` on a canvas off the page, `size` CSS pixels drawn `ratio` times as fine (the map
/// as a PNG at 2× or 4×).
pub fn draw_map_sized(canvas: &HtmlCanvasElement, data: &MapData, size: (u32, u32), ratio: f64) -> Option<PlotArea> {
    canvas.set_width((f64::from(size.0) * ratio).round() as u32);
    canvas.set_height((f64::from(size.1) * ratio).round() as u32);
    let backend = MeasuredCanvas::new(canvas)?;
    try_draw_map(backend, canvas, data, ratio, None).ok()
}

fn try_draw_map(
    backend: MeasuredCanvas,
    canvas: &HtmlCanvasElement,
    data: &MapData,
    ratio: f64,
    keep: Option<&HtmlCanvasElement>,
) -> Result<PlotArea, Box<dyn std::error::Error>> {
    let root = backend.into_drawing_area();
    root.fill(&WHITE)?;
    let px = |v: f64| (v * ratio) as u32;
    let v = data.view;
    let mut chart = ChartBuilder::on(&root)
        .margin(px(12.0))
        .x_label_area_size(px(36.0))
        .y_label_area_size(px(52.0))
        .build_cartesian_2d(v.x0..v.x1, v.y0..v.y1)?;
    chart
        .configure_mesh()
        .x_desc(data.x_desc)
        .y_desc(data.y_desc)
        .label_style(font(12.0, ratio))
        .axis_desc_style(font(13.0, ratio))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(WHITE.mix(0.0))
        .draw()?;
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    let (w, h) = ((xs.end - xs.start).max(1) as usize, (ys.end - ys.start).max(1) as usize);
    let n = data.xy.len() / 2;
    let raster = rasterize(data.xy, data.colours, 0..n, &v, (w, h), radius_for(n, data.zoom) * ratio as f32, 0.75);
    put_pixels(canvas, &raster, xs.start, ys.start)?;
    let (left, top) = (f64::from(xs.start), f64::from(ys.start));
    if let Some(keep) = keep {
        copy_into(canvas, keep, [left, top, w as f64, h as f64]);
    }
    let legend: Vec<(String, Marker)> =
        data.legend.iter().map(|(label, [r, g, b])| (label.clone(), Marker::Dot(RGBColor(*r, *g, *b)))).collect();
    let legend = match legend.is_empty() {
        true => None,
        false => Some(draw_legend(&root, (xs.clone(), ys.clone()), &legend, ratio)?),
    };
    root.present()?;
    Ok(PlotArea { left, top, width: w as f64, height: h as f64, ratio, legend })
}

/// Copies the `[left, top, width, height]` box of `from` (canvas pixels) onto `to`, sized to
/// fit it: a copy inside the browser's canvas code, not a round trip through wasm memory.
pub fn copy_into(from: &HtmlCanvasElement, to: &HtmlCanvasElement, [x, y, w, h]: [f64; 4]) -> Option<()> {
    to.set_width(w.max(1.0) as u32);
    to.set_height(h.max(1.0) as u32);
    context(to)?.draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(from, x, y, w, h, 0.0, 0.0, w, h).ok()
}

/// Puts an RGBA buffer on the canvas at `(left, top)`.
fn put_pixels(
    canvas: &HtmlCanvasElement,
    raster: &Raster,
    left: i32,
    top: i32,
) -> Result<(), Box<dyn std::error::Error>> {
    let context = context(canvas).ok_or("the canvas has no 2D context")?;
    let image =
        ImageData::new_with_u8_clamped_array_and_sh(Clamped(&raster.pixels), raster.width as u32, raster.height as u32)
            .map_err(|e| format!("{e:?}"))?;
    context.put_image_data(&image, f64::from(left), f64::from(top)).map_err(|e| format!("{e:?}"))?;
    Ok(())
}

/// A cluster's profile: the mean z-score of each feature, as horizontal bars around 0.
pub fn draw_profile(canvas: &HtmlCanvasElement, features: &[String], zmeans: &[f32], colour: [u8; 3]) {
    let height = 40 + 26 * features.len() as u32;
    draw_on(canvas, (640, height), |backend, ratio| try_draw_profile(backend, features, zmeans, colour, ratio));
}

fn try_draw_profile(
    backend: MeasuredCanvas,
    features: &[String],
    zmeans: &[f32],
    [r, g, b]: [u8; 3],
    ratio: f64,
) -> Result<(), Box<dyn std::error::Error>> {
    let root = backend.into_drawing_area();
    root.fill(&WHITE)?;
    let px = |v: f64| (v * ratio) as u32;
    let reach = zmeans.iter().map(|z| z.abs()).fold(1.0f32, f32::max) * 1.1;
    let n = features.len().max(1);
    let mut chart = ChartBuilder::on(&root)
        .margin(px(10.0))
        .x_label_area_size(px(34.0))
        .y_label_area_size(px(130.0))
        .build_cartesian_2d(-reach..reach, (0..n).into_segmented())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc("Mean z-score in this cluster (0 = the whole file's average)")
        .y_labels(n)
        .y_label_formatter(&|y| match y {
            SegmentValue::CenterOf(i) => features.get(*i).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .label_style(font(12.0, ratio))
        .axis_desc_style(font(13.0, ratio))
        .draw()?;
    let fill = RGBColor(r, g, b).filled();
    chart.draw_series(zmeans.iter().enumerate().map(|(i, &z)| {
        let (lo, hi) = if z < 0.0 { (z, 0.0) } else { (0.0, z) };
        let mut bar = Rectangle::new([(lo, SegmentValue::Exact(i)), (hi, SegmentValue::Exact(i + 1))], fill);
        bar.set_margin(px(4.0), px(4.0), 0, 0);
        bar
    }))?;
    chart.draw_series(LineSeries::new(
        [(0.0, SegmentValue::Exact(0)), (0.0, SegmentValue::Exact(n))],
        BLACK.stroke_width(1),
    ))?;
    root.present()?;
    Ok(())
}
