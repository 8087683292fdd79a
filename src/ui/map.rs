//! The interactive map: projection and colour choices, the dots (rasterised, see `charts`),
//! an overlay canvas for the chosen, similar and hovered songs (redrawn alone, so hovering never
//! redraws a million dots), wheel zoom, drag pan, and click to choose a song.

use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, PointerEvent, WheelEvent};

use super::charts::{after_paint, context, draw_map, draw_map_sized, off_page_canvas, MapData, PlotArea, LEGEND_MAX};
use super::map_motion::{Picture, PICTURE_AFTER_MS, REST_MS};
use super::download::{download_text, download_url};
use super::state::AppState;
use crate::mapview::colours::{categorical, ColourKind, Colouring, Palette, Scale};
use crate::mapview::index::GridIndex;
use crate::mapview::labels::{centres, declutter, short_name, LabelBox, MAP_NAME_CHARS};
use crate::mapview::lasso::{songs_inside, Combine};
use crate::mapview::svg::{map_svg, SvgMap, SVG_MAX_SONGS};
use crate::mapview::Viewport;
use crate::page::link::MapZoom;
use crate::page::{Action, Mine};
use crate::pipeline::explore::playlist_place::position;
use crate::pipeline::input::song_name::song_label;
use crate::pipeline::params::Projection;
use crate::protocol::{PickFor, RunResults};

/// How close (CSS pixels) the pointer must be to a dot to pick it.
const PICK_PX: f64 = 8.0;
/// Pointer travel (CSS pixels) that turns a click into a drag.
const DRAG_PX: f64 = 4.0;
/// Most songs one shift-drag adds to the playlist.
const PICK_MAX: usize = 200;
/// A map narrower than this (CSS px, a phone) draws no legend of clusters.
const NARROW_MAP_PX: i32 = 520;
/// Zoom applied when centring on a chosen song from the whole map.
const CENTRE_ZOOM: f32 = 3.0;

/// The view a link's zoom describes on the map of `xy`.
fn linked_view(xy: &[f32], z: MapZoom) -> Viewport {
    let whole = Viewport::fit(xy);
    whole.zoomed(z.zoom, whole.centre(), &whole).centred_on(z.centre)
}

/// Axis titles for a projection.
fn axes(p: Projection) -> (&'static str, &'static str) {
    match p {
        Projection::Pca => ("Principal component 1", "Principal component 2"),
        Projection::FirstTwo => ("Latent dimension 0", "Latent dimension 1"),
        Projection::Tsne => ("t-SNE 1", "t-SNE 2"),
        Projection::Umap => ("UMAP 1", "UMAP 2"),
    }
}

/// Runs `f` on the coordinates of the map being shown, if there are any (`Page::map_xy`).
fn with_xy<T>(state: AppState, f: impl FnOnce(&[f32]) -> T) -> Option<T> {
    state.read(|p| p.map_xy().map(f))
}

/// The clusters' names as the map and its legend draw them (`labels::short_name`).
fn map_names(names: Vec<String>) -> Vec<String> {
    names.iter().map(|n| short_name(n, MAP_NAME_CHARS)).collect()
}

/// Legend entries: label and colour.
type Legend = Vec<(String, [u8; 3])>;

/// Colour of every dot and the legend, for the current choice.
fn colours_and_legend(
    r: &RunResults,
    colouring: Option<&Colouring>,
    names: &[String],
    palette: Palette,
    scale: Scale,
) -> (Vec<[u8; 3]>, Legend) {
    let Some(c) = colouring else {
        let colours = r.labels.iter().map(|&l| categorical(usize::from(l), palette)).collect();
        let legend = (0..r.k.min(LEGEND_MAX))
            .map(|i| (names.get(i).cloned().unwrap_or_else(|| format!("Cluster {i}")), categorical(i, palette)))
            .collect();
        return (colours, legend);
    };
    let legend = match &c.kind {
        ColourKind::Categories { names, .. } => {
            names.iter().enumerate().map(|(i, n)| (n.clone(), categorical(i, palette))).collect()
        }
        ColourKind::Values { min, max, .. } => (0..5)
            .map(|i| {
                let t = i as f32 / 4.0;
                let value = min + (max - min) * t;
                (format!("{}: {value:.3}", c.column), crate::mapview::colours::continuous(t, scale))
            })
            .collect(),
    };
    (c.colours(palette, scale), legend)
}

/// Every dot's colour as the page says (colouring, palette, scale), dimmed outside the focus
/// and the selection, with the legend: one answer for the screen and for the files.
fn dot_colours(state: AppState, results: &RunResults, names: &[String]) -> (Vec<[u8; 3]>, Legend) {
    let (palette, scale) = (state.palette.get_untracked(), state.scale.get_untracked());
    let colouring = state.colouring.get_untracked();
    let (mut colours, legend) = colours_and_legend(results, colouring.as_deref(), names, palette, scale);
    let picked = state.picked.get_untracked();
    // A selection made on the map comes first; else the person's own playlist stands out.
    let mine = state.mine.get_untracked().filter(|m| m.shown).map(|m| m.rows);
    let highlight = picked.or(mine);
    dim(&mut colours, &results.labels, state.focus.get_untracked(), highlight.as_deref().map(|p| &p[..]));
    (colours, legend)
}

/// The person's playlist songs that the catalogue does not hold, where their nearest catalogue
/// songs are on this map: squares in their cluster's colour with a dark edge, so they read as
/// "not one of the catalogue's dots".
fn draw_placed(ctx: &CanvasRenderingContext2d, (area, view): (&PlotArea, &Viewport), xy: &[f32], mine: &Mine, palette: Palette) {
    if !mine.shown {
        return;
    }
    let r = area.ratio;
    let side = 7.0 * r;
    ctx.set_line_width(1.5 * r);
    ctx.set_stroke_style_str("#1b1f24");
    for song in &mine.found.placed {
        let Some(p) = position(&song.near, xy) else { continue };
        let (x, y) = area.canvas_point(view, p);
        let [cr, cg, cb] = categorical(song.cluster, palette);
        ctx.set_fill_style_str(&format!("rgb({cr},{cg},{cb})"));
        ctx.fill_rect(x - side / 2.0, y - side / 2.0, side, side);
        ctx.stroke_rect(x - side / 2.0, y - side / 2.0, side, side);
    }
}

/// The grey of songs outside the focus.
const DIMMED: [u8; 3] = [218, 222, 227];

/// Dims every song outside cluster `focus` and outside the selection `picked` (ascending rows),
/// so what is in focus stands out in its context.
fn dim(colours: &mut [[u8; 3]], labels: &[u16], focus: Option<usize>, picked: Option<&[usize]>) {
    if let Some(c) = focus {
        for (colour, &label) in colours.iter_mut().zip(labels) {
            if usize::from(label) != c {
                *colour = DIMMED;
            }
        }
    }
    if let Some(rows) = picked {
        let mut next = rows.iter().peekable();
        for (i, colour) in colours.iter_mut().enumerate() {
            if next.peek() == Some(&&i) {
                next.next();
            } else {
                *colour = DIMMED;
            }
        }
    }
}

/// The clusters' names at their `centres` (data points of `view`), those that fit without
/// covering another: the focused cluster first, then by size.
fn draw_names(
    ctx: &CanvasRenderingContext2d,
    (area, view): (&PlotArea, &Viewport),
    centres: &[Option<(f32, f32)>],
    (names, results): (&[String], &RunResults),
    focus: Option<usize>,
) {
    let at: Vec<Option<(f64, f64)>> = centres.iter().map(|c| c.map(|c| area.canvas_point(view, c))).collect();
    let sizes: Vec<usize> = results.clusters.iter().map(|c| c.size).collect();
    let r = area.ratio;
    ctx.set_font(&format!("600 {}px system-ui, sans-serif", (12.0 * r).round()));
    let boxes: Vec<Option<LabelBox>> = at
        .iter()
        .zip(names)
        .map(|(p, name)| {
            let (x, y) = (*p)?;
            let w = ctx.measure_text(name).ok()?.width() + 8.0 * r;
            Some(LabelBox { x, y, w, h: 18.0 * r })
        })
        .collect();
    let mut order: Vec<usize> = (0..boxes.len()).collect();
    order.sort_by_key(|&i| (Some(i) != focus, std::cmp::Reverse(sizes.get(i).copied().unwrap_or(0))));
    let bounds = (area.left, area.top, area.width, area.height);
    ctx.set_text_align("center");
    ctx.set_text_baseline("middle");
    ctx.set_line_width(4.0 * r);
    ctx.set_stroke_style_str("rgba(255,255,255,0.9)");
    ctx.set_fill_style_str("#1b1f24");
    for i in declutter(&boxes, &order, bounds) {
        let (Some(b), Some(name)) = (boxes[i], names.get(i)) else { continue };
        let _ = ctx.stroke_text(name, b.x, b.y);
        let _ = ctx.fill_text(name, b.x, b.y);
    }
}

/// Where the pointer is, in map coordinates, given where the plot was drawn.
fn pointer_data(ev: &PointerEvent, area: &PlotArea, view: &Viewport) -> (f32, f32) {
    let px = f64::from(ev.offset_x()) * area.ratio - area.left;
    let py = f64::from(ev.offset_y()) * area.ratio - area.top;
    view.to_data((px as f32, py as f32), area.width as f32, area.height as f32)
}

/// Local state of the map between events.
#[derive(Default)]
struct Interaction {
    area: Option<PlotArea>,
    index: Option<GridIndex>,
    /// A lasso being drawn, and how it will combine with the selection.
    lassoing: Option<Combine>,
    /// Each cluster's centre in the projection shown, for its name on the map.
    centres: Option<Vec<Option<(f32, f32)>>>,
    /// Pointer position (CSS px) where a press started, and the view then.
    press: Option<(f64, f64, Viewport)>,
    /// The press started with Shift: a rectangle of songs for the playlist, not a pan.
    picking: bool,
    dragged: bool,
    /// The song the map last centred on.
    centred: Option<usize>,
    /// Which results, projection and t-SNE map the canvas shows (by address).
    drawn_from: Option<(usize, Projection, Option<usize>)>,
    /// A draw is scheduled and has not run yet.
    pending: bool,
    /// Something other than the view changed since the last full draw (colours, focus, data).
    restyled: bool,
    /// How long the last full draw took (ms): a slow one is not repeated while the map moves.
    last_draw_ms: f64,
    /// Moves shown as the moved picture; the rest timer of an older move finds a newer count.
    moves: u32,
    /// The last full draw's dots, shown moved and scaled while the map moves.
    picture: Option<Picture>,
    /// The whole map's viewport, found when the map was drawn: fitting it is a pass over every
    /// song (about 10 ms at a million), too slow for each pointer move.
    whole: Option<Viewport>,
}

#[component]
pub fn MapView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let canvas: NodeRef<Canvas> = NodeRef::new();
    let overlay: NodeRef<Canvas> = NodeRef::new();
    let view = RwSignal::new(None::<Viewport>);
    let hover = RwSignal::new(None::<usize>);
    // A shift-drag in progress: its corners in CSS pixels.
    let rectangle = RwSignal::new(None::<(f64, f64, f64, f64)>);
    let drawn = RwSignal::new(0u32);
    let draw_ms = RwSignal::new(None::<f64>);
    // The lasso tool, and the path being drawn with it (CSS px).
    let lasso_mode = RwSignal::new(false);
    let lasso_path = RwSignal::new(Vec::<(f64, f64)>::new());
    // Where the pointer is over the map (CSS px), for the hover card.
    let hover_at = RwSignal::new(None::<(f64, f64, bool, bool)>);
    let local = StoredValue::new_local(Interaction::default());
    let whole = move || {
        let fitted = local.with_value(|l| l.whole).or_else(|| with_xy(state, Viewport::fit));
        fitted.unwrap_or(Viewport { x0: -1.0, x1: 1.0, y0: -1.0, y1: 1.0 })
    };

    // New results or another projection: a new index, the whole map, no hover.
    Effect::new(move |_| {
        state.projection.track();
        state.results.track();
        state.laid_out.track();
        local.update_value(|l| (l.index, l.centred, l.whole, l.centres) = (None, None, None, None));
        view.set(None);
        hover.set(None);
        // Tasks of their own, so new results never freeze the page in one long task: the index,
        // then the names' places and the names (together 53 ms at 1M songs).
        after_paint(move || {
            let index = with_xy(state, GridIndex::build);
            local.update_value(|l| l.index = index);
            after_paint(move || {
                let found = state.read(|p| {
                    let r = p.run.results.as_ref()?;
                    Some(centres(p.map_xy()?, &r.labels, r.k))
                });
                local.update_value(|l| l.centres = found);
                // The names go on the map now that their places are known.
                drawn.update(|d| *d += 1);
            });
        });
    });

    // Draws whatever the state says when it runs; several changes before then make one draw.
    let draw = move || {
        local.update_value(|l| (l.pending, l.restyled) = (false, false));
        let names = map_names(state.cluster_names.get_untracked());
        let (Some(results), Some(c)) = (state.results.get_untracked(), canvas.get_untracked()) else { return };
        let kept_whole = local.with_value(|l| l.whole);
        let drawn_ms = with_xy(state, |xy| {
            let whole = kept_whole.unwrap_or_else(|| Viewport::fit(xy));
            let v = view.get_untracked().unwrap_or(whole);
            let t0 = now_ms();
            let (colours, mut legend) = dot_colours(state, &results, &names);
            // On a narrow map the clusters' legend would cover it; their names are on the map.
            if state.colouring.with_untracked(Option::is_none) && c.client_width() < NARROW_MAP_PX {
                legend.clear();
            }
            let (x_desc, y_desc) = axes(state.projection.get_untracked());
            let data = MapData { xy, colours: &colours, view: v, zoom: v.zoom_of(&whole), x_desc, y_desc, legend };
            local.update_value(|l| {
                if l.picture.is_none() {
                    l.picture = Picture::new();
                }
                let area = draw_map(&c, &data, l.picture.as_ref().map(Picture::dots));
                match (l.picture.as_mut(), area) {
                    (Some(p), Some(a)) => p.drawn(&c, a, v),
                    (Some(p), None) => p.forget(),
                    _ => {}
                }
                (l.area, l.whole) = (area, Some(whole));
            });
            // Says what the canvas shows, for the page's tests: a full draw or a moved picture.
            let _ = c.set_attribute("data-shown", "drawn");
            now_ms() - t0
        });
        let Some(ms) = drawn_ms else { return };
        local.update_value(|l| l.last_draw_ms = ms);
        draw_ms.set(Some(ms));
        state.dispatch(Action::MapDrawn { ms });
        drawn.update(|d| *d += 1);
    };

    // The map as a file: what is on screen (the view, colours, focus and names), as a PNG drawn
    // 1, 2 or 4 times as fine, or as SVG.
    let image_scale = RwSignal::new(2u32);
    let save_image = move |svg: bool| {
        // Files carry the names whole: they are read later, at leisure and zoomed.
        let (names, focus) = (state.cluster_names.get_untracked(), state.focus.get_untracked());
        let (Some(results), Some(c)) = (state.results.get_untracked(), canvas.get_untracked()) else { return };
        let size = (c.client_width().max(1) as u32, c.client_height().max(1) as u32);
        let centres = local.with_value(|l| l.centres.clone()).unwrap_or_default();
        let named: Vec<(String, (f32, f32))> =
            names.iter().zip(&centres).filter_map(|(n, c)| Some((n.clone(), (*c)?))).collect();
        let _ = with_xy(state, |xy| {
            let whole = Viewport::fit(xy);
            let v = view.get_untracked().unwrap_or(whole);
            let (colours, legend) = dot_colours(state, &results, &names);
            let (x_desc, y_desc) = axes(state.projection.get_untracked());
            if svg {
                let map = SvgMap {
                    xy,
                    colours: &colours,
                    view: v,
                    zoom: v.zoom_of(&whole),
                    size,
                    axes: (x_desc, y_desc),
                    names: &named,
                };
                if let Some(text) = map_svg(&map) {
                    download_text(&text, "image/svg+xml", "songscape-map.svg");
                }
                return;
            }
            let ratio = f64::from(image_scale.get_untracked());
            let data = MapData { xy, colours: &colours, view: v, zoom: v.zoom_of(&whole), x_desc, y_desc, legend };
            let Some(off) = off_page_canvas() else { return };
            let Some(area) = draw_map_sized(&off, &data, size, ratio) else { return };
            if let Some(ctx) = context(&off) {
                if let Some(m) = state.mine.get_untracked() {
                    draw_placed(&ctx, (&area, &v), xy, &m, state.palette.get_untracked());
                }
                draw_names(&ctx, (&area, &v), &centres, (&names, &results), focus);
            }
            let name = match ratio as u32 {
                1 => "songscape-map.png".to_string(),
                r => format!("songscape-map@{r}x.png"),
            };
            if let Ok(url) = off.to_data_url_with_type("image/png") {
                download_url(&url, &name);
            }
        });
    };
    let too_many_for_svg = move || state.results.with(|r| r.as_ref().is_some_and(|r| r.rows > SVG_MAX_SONGS));

    // The key of what the canvas shows: a new key is a new map, drawn after the page's next
    // paint in a task of its own; anything else is drawn in the next frame, following the pointer.
    let shown = move || {
        let results = state.results.get_untracked()?;
        let tsne = state.laid_out.get_untracked();
        Some((results.ptr(), state.projection.get_untracked(), tsne.as_ref().map(|t| t.ptr())))
    };
    // A move of a map that is slow to draw shows the last picture moved, and the full draw
    // follows when no move has come for `REST_MS`.
    let moved = move || {
        let (v, c) = (view.get_untracked().unwrap_or_else(whole), canvas.get_untracked());
        let shown = c.as_ref().is_some_and(|c| local.with_value(|l| l.picture.as_ref().is_some_and(|p| p.show(c, &v))));
        if !shown {
            return draw();
        }
        if let Some(c) = &c {
            let _ = c.set_attribute("data-shown", "moved");
        }
        let count = local.with_value(|l| l.moves.wrapping_add(1));
        local.update_value(|l| (l.pending, l.moves) = (false, count));
        // The names and rings follow the dots.
        drawn.update(|d| *d += 1);
        set_timeout(
            move || {
                if local.with_value(|l| l.moves == count && !l.pending) {
                    draw();
                }
            },
            std::time::Duration::from_millis(REST_MS),
        );
    };
    let fresh = move || local.with_value(|l| l.drawn_from) != shown();
    let frame = move || {
        if fresh() {
            // Still pending until `draw` runs: changes meanwhile join this draw.
            local.update_value(|l| l.drawn_from = shown());
            return after_paint(draw);
        }
        let (restyled, slow) = local.with_value(|l| (l.restyled, l.last_draw_ms > PICTURE_AFTER_MS));
        match restyled || !slow {
            true => draw(),
            false => moved(),
        }
    };
    let schedule = move || {
        if local.with_value(|l| l.pending) {
            return;
        }
        local.update_value(|l| l.pending = true);
        match fresh() {
            true => frame(),
            false => request_animation_frame(frame),
        }
    };
    Effect::new(move |_| {
        state.projection.track();
        state.focus.track();
        state.picked.track();
        state.mine.track();
        state.palette.track();
        state.scale.track();
        state.colouring.track();
        state.cluster_names.track();
        state.laid_out.track();
        state.results.track();
        if canvas.get().is_some() {
            local.update_value(|l| l.restyled = true);
            schedule();
        }
    });
    Effect::new(move |_| {
        view.track();
        if canvas.get().is_some() {
            schedule();
        }
    });

    // The zoom and centre as the person leaves them, for the page's address.
    Effect::new(move |_| {
        let zoom = view.get().map(|v| {
            let whole = whole();
            MapZoom { zoom: v.zoom_of(&whole), centre: v.centre() }
        });
        state.map_zoom.set(zoom.filter(|z| z.zoom > 1.001));
    });

    // A link's zoom, once its map is there (and its song chosen, when it names one). A frame
    // later, so that the new map's own reset to the whole map has happened first.
    Effect::new(move |_| {
        let Some(z) = state.zoom_to.get() else { return };
        state.laid_out.track();
        state.results.track();
        if z.after_song || z.projection != state.projection.get() {
            return;
        }
        request_animation_frame(move || {
            if let Some(v) = with_xy(state, |xy| linked_view(xy, z.zoom)) {
                view.set(Some(v));
                state.dispatch(Action::ZoomApplied);
            }
        });
    });

    // A song chosen elsewhere (search, similar songs) is brought to the middle of the map.
    Effect::new(move |_| {
        let Some(row) = state.recommendation.get().map(|r| r.song.row) else { return };
        if local.with_value(|l| l.centred == Some(row)) {
            return;
        }
        local.update_value(|l| l.centred = Some(row));
        // The song a link named: the map goes where the link says rather than to the song.
        let linked =
            state.zoom_to.get_untracked().filter(|z| z.after_song && z.projection == state.projection.get_untracked());
        if let Some(z) = linked {
            if let Some(v) = with_xy(state, |xy| linked_view(xy, z.zoom)) {
                view.set(Some(v));
            }
            state.dispatch(Action::ZoomApplied);
            return;
        }
        let Some(Some(point)) = with_xy(state, |xy| xy.get(2 * row..2 * row + 2).map(|p| (p[0], p[1]))) else { return };
        let whole = whole();
        let current = view.get_untracked().unwrap_or(whole);
        let zoomed = if current.zoom_of(&whole) < CENTRE_ZOOM {
            current.zoomed(CENTRE_ZOOM / current.zoom_of(&whole), current.centre(), &whole)
        } else {
            current
        };
        view.set(Some(zoomed.centred_on(point)));
    });

    Effect::new(move |_| {
        drawn.track();
        let names = map_names(state.cluster_names.get());
        let focus = state.focus.get();
        let recommendation = state.recommendation.get();
        let hovered = hover.get();
        let dragged_box = rectangle.get();
        let lasso = lasso_path.get();
        let mine = state.mine.get();
        let (Some(base), Some(top)) = (canvas.get(), overlay.get()) else { return };
        let Some(area) = local.with_value(|l| l.area) else { return };
        let v = view.get_untracked().unwrap_or_else(whole);
        top.set_width(base.width());
        top.set_height(base.height());
        let Some(ctx) = context(&top) else { return };
        let _ = with_xy(state, |xy| {
            let at = |row: usize| xy.get(2 * row..2 * row + 2).map(|p| area.canvas_point(&v, (p[0], p[1])));
            let ring = |(x, y): (f64, f64), radius: f64, width: f64, colour: &str| {
                ctx.begin_path();
                let _ = ctx.arc(x, y, radius * area.ratio, 0.0, std::f64::consts::TAU);
                ctx.set_line_width(width * area.ratio);
                ctx.set_stroke_style_str(colour);
                ctx.stroke();
            };
            ctx.save();
            ctx.begin_path();
            ctx.rect(area.left, area.top, area.width, area.height);
            ctx.clip();
            if let Some(r) = &recommendation {
                r.similar.iter().filter_map(|s| at(s.song.row)).for_each(|p| ring(p, 5.0, 1.5, "#000"));
                if let Some(p) = at(r.song.row) {
                    ring(p, 10.0, 3.0, "#000");
                    ring(p, 2.5, 3.0, "#000");
                }
            }
            if let Some(m) = &mine {
                draw_placed(&ctx, (&area, &v), xy, m, state.palette.get_untracked());
            }
            if let Some(p) = hovered.and_then(at) {
                ring(p, 7.0, 2.0, "#d00");
            }
            ctx.restore();
            let centres = local.with_value(|l| l.centres.clone()).unwrap_or_default();
            if let Some(results) = state.results.get_untracked() {
                draw_names(&ctx, (&area, &v), &centres, (&names, &results), focus);
            }
            if lasso.len() > 1 {
                let r = area.ratio;
                ctx.begin_path();
                ctx.move_to(lasso[0].0 * r, lasso[0].1 * r);
                lasso.iter().skip(1).for_each(|&(x, y)| ctx.line_to(x * r, y * r));
                ctx.close_path();
                ctx.set_line_width(2.0 * r);
                ctx.set_stroke_style_str("#0b5cad");
                ctx.stroke();
            }
            if let Some((xa, ya, xb, yb)) = dragged_box {
                let r = area.ratio;
                ctx.set_line_width(2.0 * r);
                ctx.set_stroke_style_str("#d00");
                ctx.stroke_rect(xa.min(xb) * r, ya.min(yb) * r, (xb - xa).abs() * r, (yb - ya).abs() * r);
            }
        });
    });

    let pick = move |ev: &PointerEvent| -> Option<usize> {
        let (area, v) = (local.with_value(|l| l.area)?, view.get_untracked().unwrap_or_else(whole));
        let point = pointer_data(ev, &area, &v);
        let reach = (PICK_PX * area.ratio / area.width) as f32 * v.width();
        local.with_value(|l| l.index.as_ref().and_then(|i| with_xy(state, |xy| i.nearest(xy, point, reach)).flatten()))
    };
    let on_down = move |ev: PointerEvent| {
        if lasso_mode.get_untracked() {
            let how = match (ev.shift_key(), ev.alt_key()) {
                (_, true) => Combine::Remove,
                (true, false) => Combine::Add,
                _ => Combine::Replace,
            };
            local.update_value(|l| l.lassoing = Some(how));
            lasso_path.set(vec![(f64::from(ev.offset_x()), f64::from(ev.offset_y()))]);
            if let Some(t) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                let _ = t.set_pointer_capture(ev.pointer_id());
            }
            return;
        }
        let v = view.get_untracked().unwrap_or_else(whole);
        local.update_value(|l| {
            (l.press, l.dragged, l.picking) =
                (Some((f64::from(ev.offset_x()), f64::from(ev.offset_y()), v)), false, ev.shift_key())
        });
        if let Some(t) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
            let _ = t.set_pointer_capture(ev.pointer_id());
        }
    };
    let on_move = move |ev: PointerEvent| {
        if local.with_value(|l| l.lassoing.is_some()) {
            lasso_path.update(|p| p.push((f64::from(ev.offset_x()), f64::from(ev.offset_y()))));
            return;
        }
        if let Some((x0, y0, start)) = local.with_value(|l| l.press) {
            let (dx, dy) = (f64::from(ev.offset_x()) - x0, f64::from(ev.offset_y()) - y0);
            if dx.hypot(dy) < DRAG_PX && !local.with_value(|l| l.dragged) {
                return;
            }
            local.update_value(|l| l.dragged = true);
            if local.with_value(|l| l.picking) {
                rectangle.set(Some((x0, y0, f64::from(ev.offset_x()), f64::from(ev.offset_y()))));
                return;
            }
            let Some(area) = local.with_value(|l| l.area) else { return };
            let scale_x = f64::from(start.width()) / (area.width / area.ratio);
            let scale_y = f64::from(start.height()) / (area.height / area.ratio);
            view.set(Some(start.panned((-dx * scale_x) as f32, (dy * scale_y) as f32)));
            return;
        }
        let row = pick(&ev);
        // The card opens away from the nearer edges, so it never leaves the map.
        let size = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|e| (e.client_width(), e.client_height()));
        let (w, h) = size.map_or((0.0, 0.0), |(w, h)| (f64::from(w), f64::from(h)));
        let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
        hover_at.set(Some((x, y, x > w / 2.0, y > h / 2.0)));
        if row != hover.get_untracked() {
            if let Some(r) = row {
                state.dispatch(Action::Describe(r));
            }
            hover.set(row);
        }
    };
    // The songs inside a shift-drag rectangle (CSS px corners), at most `PICK_MAX`.
    let picked = move |(xa, ya, xb, yb): (f64, f64, f64, f64)| -> Option<Vec<usize>> {
        let (area, v) = (local.with_value(|l| l.area)?, view.get_untracked().unwrap_or_else(whole));
        let to_data = |x: f64, y: f64| {
            let (px, py) = (x * area.ratio - area.left, y * area.ratio - area.top);
            v.to_data((px as f32, py as f32), area.width as f32, area.height as f32)
        };
        let (a, b) = (to_data(xa, ya), to_data(xb, yb));
        let rows = local.with_value(|l| l.index.as_ref().and_then(|i| with_xy(state, |xy| i.within(xy, a, b))))?;
        Some(rows.into_iter().take(PICK_MAX).collect())
    };
    // The songs inside the lasso drawn (CSS px), combined with the selection as the keys said.
    let lassoed = move |path: &[(f64, f64)]| -> Option<Vec<usize>> {
        let (area, v) = (local.with_value(|l| l.area)?, view.get_untracked().unwrap_or_else(whole));
        let polygon: Vec<(f32, f32)> = path
            .iter()
            .map(|&(x, y)| {
                let (px, py) = (x * area.ratio - area.left, y * area.ratio - area.top);
                v.to_data((px as f32, py as f32), area.width as f32, area.height as f32)
            })
            .collect();
        local.with_value(|l| l.index.as_ref().and_then(|i| with_xy(state, |xy| songs_inside(i, xy, &polygon))))
    };
    let on_up = move |ev: PointerEvent| {
        if let Some(how) = local.with_value(|l| l.lassoing) {
            local.update_value(|l| l.lassoing = None);
            let path = lasso_path.get_untracked();
            lasso_path.set(Vec::new());
            if let Some(rows) = lassoed(&path) {
                state.dispatch(Action::Select { rows, how });
            }
            return;
        }
        let (pressed, dragged, picking) = local.with_value(|l| (l.press.is_some(), l.dragged, l.picking));
        local.update_value(|l| l.press = None);
        if let (true, Some(corners)) = (picking && dragged, rectangle.get_untracked()) {
            rectangle.set(None);
            let rows = picked(corners).unwrap_or_default();
            state.dispatch(Action::PickRows(rows));
            return;
        }
        if pressed && !dragged {
            if let Some(row) = pick(&ev) {
                // Chosen on the map: it is already in view, so the map does not jump.
                local.update_value(|l| l.centred = Some(row));
                state.dispatch(Action::ChooseSong(row));
            }
        }
    };
    let on_wheel = move |ev: WheelEvent| {
        ev.prevent_default();
        let Some(area) = local.with_value(|l| l.area) else { return };
        let whole = whole();
        let v = view.get_untracked().unwrap_or(whole);
        let px = ev.offset_x() as f64 * area.ratio - area.left;
        let py = ev.offset_y() as f64 * area.ratio - area.top;
        let at = v.to_data((px as f32, py as f32), area.width as f32, area.height as f32);
        let factor = (-ev.delta_y() * 0.002).exp() as f32;
        view.set(Some(v.zoomed(factor, at, &whole)));
    };
    let zoom_by = move |factor: f32| {
        let whole = whole();
        let v = view.get_untracked().unwrap_or(whole);
        view.set(Some(v.zoomed(factor, v.centre(), &whole)));
    };
    let zoom_text = move || {
        let v = view.get();
        let z = v.map_or(1.0, |v| v.zoom_of(&whole()));
        format!("Zoom {z:.1}×")
    };
    view! {
        <div class="map-controls">
            <button type="button" id="zoom-in" on:click=move |_| zoom_by(2.0)>"Zoom in"</button>
            <button type="button" id="zoom-out" on:click=move |_| zoom_by(0.5)>"Zoom out"</button>
            <button type="button" id="zoom-reset" on:click=move |_| view.set(None)>"Whole map"</button>
            <span class="help" id="zoom-level">{zoom_text}</span>
            <button type="button" id="lasso" aria-pressed=move || lasso_mode.get().to_string()
                on:click=move |_| lasso_mode.update(|m| *m = !*m)>"Lasso"</button>
            <label for="image-scale">"Image size"</label>
            <select id="image-scale" on:change=move |ev| image_scale.set(event_target_value(&ev).parse().unwrap_or(2))>
                <option value="1">"1×"</option>
                <option value="2" selected=true>"2×"</option>
                <option value="4">"4×"</option>
            </select>
            <button type="button" id="export-png" on:click=move |_| save_image(false)>"Download map as PNG"</button>
            <button type="button" id="export-svg" on:click=move |_| save_image(true) prop:disabled=too_many_for_svg
                title=move || if too_many_for_svg() { format!("SVG holds at most {SVG_MAX_SONGS} songs; use the PNG at 4×.") } else { String::new() }>"Download map as SVG"</button>
        </div>
        <div class="map-wrap">
            <canvas node_ref=canvas id="map" class="map" role="img"
                aria-label=move || state.results.get().map(|r| map_alt(&r)).unwrap_or_default()></canvas>
            <canvas node_ref=overlay id="map-overlay" class="map-overlay" aria-hidden="true"
                on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up
                on:pointerleave=move |_| hover.set(None) on:wheel=on_wheel></canvas>
            <HoverCard hover=hover at=hover_at/>
        </div>
        <SelectionBar/>
        <p class="help map-hint">{move || match lasso_mode.get() {
            true => "Lasso: draw around songs to select them; Shift adds to the selection, Alt takes away. Press Lasso again to pan.",
            false => "Wheel to zoom, drag to move, click a dot to choose its song, Shift-drag to add the songs in a rectangle to the playlist.",
        }}</p>
        <p class="help" id="map-pointer">{move || {
            let named = hover.get().and_then(|row| {
                let (title, artist) = state.song_names.with(|n| n.as_ref()?.name(row))?;
                let cluster = state.results.with(|r| r.as_ref()?.labels.get(row).copied())?;
                Some(format!("Under the pointer: {} · cluster {cluster}", song_label(&title, &artist)))
            });
            named.unwrap_or_else(|| "Point at a dot to see its song.".to_string())
        }}</p>
        <p class="timings" id="map-draw">{move || draw_ms.get().map(|d| format!("Map drawn in {d:.0} ms.")).unwrap_or_default()}</p>
    }
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// The map's text alternative: what a sighted user would take from it.
fn map_alt(r: &RunResults) -> String {
    let sizes: Vec<String> = r.clusters.iter().map(|c| format!("cluster {}: {} songs", c.id, c.size)).collect();
    format!("Scatter plot of {} songs in {} clusters ({}).", r.rows, r.k, sizes.join(", "))
}

/// What a selection on the map can become, with its size. The Clusters tab's "Select its songs"
/// is the keyboard's way to a selection.
#[component]
fn SelectionBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let count = move || state.picked.with(|p| p.as_ref().map_or(0, |p| p.len()));
    let idle = move || !state.idle.get();
    view! {
        <div class="map-controls selection-bar" id="selection" role="group" aria-label="Selection" hidden=move || count() == 0>
            <span id="selection-count">{move || format!("{} songs selected", count())}</span>
            <button type="button" on:click=move |_| state.dispatch(Action::UseSelection(PickFor::Playlist)) prop:disabled=idle>"Add the selection to the playlist"</button>
            <button type="button" on:click=move |_| state.dispatch(Action::UseSelection(PickFor::MoreLike)) prop:disabled=idle>"Songs like the selection"</button>
            <button type="button" on:click=move |_| state.dispatch(Action::UseSelection(PickFor::Csv)) prop:disabled=idle>"Download the selection as CSV"</button>
            <button type="button" on:click=move |_| state.dispatch(Action::ClearSelection)>"Clear the selection"</button>
        </div>
    }
}

/// Beside the pointer: the song under it, its cluster, and (once the worker has said) its three
/// most distinctive features. The chosen song's card in the Song tab says the same by keyboard.
#[component]
fn HoverCard(hover: RwSignal<Option<usize>>, at: RwSignal<Option<(f64, f64, bool, bool)>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let card = move || {
        let row = hover.get()?;
        let (title, artist) = state.song_names.with(|n| n.as_ref()?.name(row))?;
        let cluster = state.results.with(|r| r.as_ref()?.labels.get(row).copied())?;
        let name = state.cluster_names.with(|n| n.get(usize::from(cluster)).cloned()).unwrap_or_default();
        let features = state.described.with(|d| {
            d.as_ref().filter(|d| d.row == row).map(|d| {
                d.features.iter().map(|(f, z, v)| format!("{f} {} ({z:+.1} σ)", format_value(*v))).collect::<Vec<_>>()
            })
        });
        // Automatic names of clusters without a match already start with "Cluster N".
        let cluster = match name.starts_with("Cluster ") {
            true => name,
            false => format!("Cluster {cluster}: {name}"),
        };
        Some((song_label(&title, &artist), cluster, features.unwrap_or_default()))
    };
    let place = move || at.get().unwrap_or((0.0, 0.0, false, false));
    let offset = |flip: bool| if flip { -14.0 } else { 14.0 };
    view! {
        <div class="hover-card" id="hover-card" aria-hidden="true" hidden=move || card().is_none()
            class:flip-x=move || place().2 class:flip-y=move || place().3
            style:left=move || format!("{}px", place().0 + offset(place().2))
            style:top=move || format!("{}px", place().1 + offset(place().3))>
            {move || card().map(|(song, cluster, features)| view! {
                <strong>{song}</strong>
                <span>{cluster}</span>
                {features.into_iter().map(|f| view! { <span class="feature">{f}</span> }).collect_view()}
            })}
        </div>
    }
}

/// A feature's value as the file writes such values: whole above 100, else three digits.
fn format_value(v: f32) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}").trim_end_matches('0').trim_end_matches('.').to_string()
    }
}
