//! The charts, drawn as inline SVG by hand: a few rectangles, paths and
//! labels each, byte-identical from run to run, with no font or script.
//! Every series has a fill pattern or a dash besides its colour, so the
//! charts read in black and white; the numbers are in tables next to them.

use std::io::{self, Write};

use chrono::{Datelike, NaiveDate};

use super::html::Esc;

const WIDTH: f64 = 760.0;
const LEFT: f64 = 52.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 26.0;

/// Colours of the Okabe–Ito palette, told apart by colour-blind readers.
pub(super) const COLOURS: [&str; 8] = [
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000",
];

/// The fill of series `k`: its pattern (defined once by [`defs`]).
pub(super) fn fill(k: usize) -> String {
    format!("url(#pat{})", k % COLOURS.len())
}

/// The patterns every chart refers to, in a hidden SVG at the top of the
/// page: a colour and a texture per series, and the hatching of a day
/// over capacity.
pub(super) fn defs(out: &mut impl Write) -> io::Result<()> {
    const MARKS: [&str; 8] = [
        "",
        "<path d=\"M0 8L8 0\" stroke=\"#000\" stroke-width=\"1.2\"/>",
        "<circle cx=\"4\" cy=\"4\" r=\"1.6\" fill=\"#000\"/>",
        "<path d=\"M0 4H8\" stroke=\"#000\" stroke-width=\"1.2\"/>",
        "<path d=\"M0 0L8 8\" stroke=\"#000\" stroke-width=\"1.2\"/>",
        "<path d=\"M0 0L8 8M0 8L8 0\" stroke=\"#000\" stroke-width=\"1\"/>",
        "<path d=\"M4 0V8\" stroke=\"#000\" stroke-width=\"1.2\"/>",
        "<path d=\"M0 4H8M4 0V8\" stroke=\"#fff\" stroke-width=\"1\"/>",
    ];
    out.write_all(b"<svg class=\"defs\" width=\"0\" height=\"0\" aria-hidden=\"true\"><defs>")?;
    for (k, colour) in COLOURS.iter().enumerate() {
        write!(
            out,
            "<pattern id=\"pat{k}\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\">\
             <rect width=\"8\" height=\"8\" fill=\"{colour}\"/>{}</pattern>",
            MARKS[k]
        )?;
    }
    out.write_all(
        b"<pattern id=\"over\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">\
          <rect width=\"6\" height=\"6\" fill=\"#b00020\"/>\
          <path d=\"M0 6L6 0\" stroke=\"#000\" stroke-width=\"2\"/></pattern>",
    )?;
    out.write_all(b"</defs></svg>\n")
}

/// A legend entry: the swatch of series `k` and its name.
pub(super) fn swatch(out: &mut impl Write, k: usize, name: &str) -> io::Result<()> {
    write!(
        out,
        "<span class=\"key\"><svg width=\"14\" height=\"14\" aria-hidden=\"true\">\
         <rect width=\"14\" height=\"14\" fill=\"{}\" stroke=\"#000\" stroke-width=\"0.5\"/></svg> {}</span>",
        fill(k),
        Esc(name)
    )
}

/// The smallest of 1, 2, 5 times a power of ten at least `x`.
fn nice(x: f64) -> f64 {
    if x <= 1.0 {
        return 1.0;
    }
    let mut p = 1.0;
    loop {
        for m in [1.0, 2.0, 5.0] {
            if m * p >= x {
                return m * p;
            }
        }
        p *= 10.0;
    }
}

/// The top of the y axis and its step, for values up to `max`.
fn scale(max: f64) -> (f64, f64) {
    let step = nice(max / 4.0);
    let top = (max / step).ceil().max(1.0) * step;
    (top, step)
}

/// The frame of a chart: the svg element, its title, the y axis with
/// its grid, and labels under the x axis (at `ticks`: position, text).
fn frame(
    out: &mut impl Write,
    height: f64,
    title: &str,
    top: f64,
    step: f64,
    ticks: &[(f64, String)],
) -> io::Result<()> {
    write!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\"><title>{}</title>",
        Esc(title)
    )?;
    let plot = height - TOP - BOTTOM;
    let mut v = 0.0;
    while v <= top + step / 2.0 {
        let y = TOP + plot - v / top * plot;
        write!(
            out,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"y\" x=\"{:.1}\" y=\"{:.1}\">{v}</text>",
            WIDTH - RIGHT,
            LEFT - 4.0,
            y + 4.0
        )?;
        v += step;
    }
    for (x, label) in ticks {
        write!(
            out,
            "<line class=\"axis\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/>\
             <text class=\"x\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            TOP + plot,
            TOP + plot + 4.0,
            x + 2.0,
            height - 8.0,
            Esc(label)
        )?;
    }
    Ok(())
}

/// Labels at the first slot of each month (each year's January when the
/// range is long), for slots of `dates`, `slot` wide.
fn month_ticks(dates: &[NaiveDate], slot: f64) -> Vec<(f64, String)> {
    let long = dates
        .first()
        .zip(dates.last())
        .is_some_and(|(a, b)| (*b - *a).num_days() > 800);
    let mut out: Vec<(f64, String)> = Vec::new();
    let mut last = None;
    for (i, d) in dates.iter().enumerate() {
        let key = if long {
            (d.year(), 1)
        } else {
            (d.year(), d.month())
        };
        if last != Some(key) {
            last = Some(key);
            let label = if long {
                d.year().to_string()
            } else {
                format!("{:04}-{:02}", d.year(), d.month())
            };
            out.push((LEFT + i as f64 * slot, label));
        }
    }
    // Labels closer than 52 pixels would overlap: each keeps its room.
    let mut kept: Vec<(f64, String)> = Vec::new();
    for (x, label) in out {
        let room = WIDTH - x >= 48.0;
        if room && kept.last().is_none_or(|(last, _)| x - last >= 52.0) {
            kept.push((x, label));
        }
    }
    kept
}

/// Bars stacked per series (`stacks[slot][series]`), one slot per date.
pub(super) fn stacked(
    out: &mut impl Write,
    title: &str,
    dates: &[NaiveDate],
    stacks: &[Vec<(usize, usize)>],
    names: &[&str],
) -> io::Result<()> {
    let height = 240.0;
    let max = stacks
        .iter()
        .map(|s| s.iter().map(|(_, n)| n).sum::<usize>())
        .max()
        .unwrap_or(0);
    let (top, step) = scale(max as f64);
    let slot = (WIDTH - LEFT - RIGHT) / dates.len().max(1) as f64;
    // A week is labelled with the month of its Thursday, as ISO weeks are
    // given to years.
    let thursdays: Vec<NaiveDate> = dates
        .iter()
        .map(|d| d.checked_add_days(chrono::Days::new(3)).unwrap_or(*d))
        .collect();
    frame(
        out,
        height,
        title,
        top,
        step,
        &month_ticks(&thursdays, slot),
    )?;
    let plot = height - TOP - BOTTOM;
    for (i, stack) in stacks.iter().enumerate() {
        let mut base = 0usize;
        for (k, n) in stack {
            if *n == 0 {
                continue;
            }
            let y0 = TOP + plot - base as f64 / top * plot;
            let y1 = TOP + plot - (base + n) as f64 / top * plot;
            write!(
                out,
                "<rect x=\"{:.1}\" y=\"{y1:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\" \
                 stroke=\"#fff\" stroke-width=\"0.3\"><title>week of {}: {} {}</title></rect>",
                LEFT + i as f64 * slot + slot * 0.1,
                slot * 0.8,
                y0 - y1,
                fill(*k),
                dates[i],
                n,
                Esc(names.get(*k).copied().unwrap_or(""))
            )?;
            base += n;
        }
    }
    out.write_all(b"</svg>\n")
}

/// One bar per business day against a capacity: the days over it hatched
/// and dark, the capacity a dashed line.
pub(super) fn capacity_bars(
    out: &mut impl Write,
    title: &str,
    dates: &[NaiveDate],
    values: &[usize],
    capacity: Option<usize>,
    series: usize,
) -> io::Result<()> {
    let height = 170.0;
    let max = values
        .iter()
        .copied()
        .max()
        .unwrap_or(0)
        .max(capacity.unwrap_or(0));
    let (top, step) = scale(max as f64);
    let slot = (WIDTH - LEFT - RIGHT) / dates.len().max(1) as f64;
    frame(out, height, title, top, step, &month_ticks(dates, slot))?;
    let plot = height - TOP - BOTTOM;
    let (mut under, mut over) = (String::new(), String::new());
    for (i, v) in values.iter().enumerate() {
        if *v == 0 {
            continue;
        }
        let h = *v as f64 / top * plot;
        let path = if capacity.is_some_and(|c| *v > c) {
            &mut over
        } else {
            &mut under
        };
        path.push_str(&format!(
            "M{:.1} {:.1}h{:.2}v{:.1}h-{:.2}z",
            LEFT + i as f64 * slot,
            TOP + plot - h,
            slot.max(0.6),
            h,
            slot.max(0.6)
        ));
    }
    write!(
        out,
        "<path d=\"{under}\" fill=\"{}\"/><path class=\"over\" d=\"{over}\" fill=\"url(#over)\"/>",
        fill(series)
    )?;
    if let Some(c) = capacity {
        let y = TOP + plot - c as f64 / top * plot;
        write!(
            out,
            "<line class=\"capacity\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"capacity-label\" x=\"{:.1}\" y=\"{:.1}\">capacity {c}</text>",
            WIDTH - RIGHT,
            WIDTH - RIGHT - 2.0,
            y - 3.0
        )?;
    }
    out.write_all(b"</svg>\n")
}

/// Curves over the same days (the old policy's solid, the new one's
/// dashed), with a dashed capacity line.
pub(super) fn curves(
    out: &mut impl Write,
    title: &str,
    dates: &[NaiveDate],
    series: &[(&str, &[usize])],
    capacity: Option<usize>,
) -> io::Result<()> {
    let height = 200.0;
    let max = series
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .max()
        .unwrap_or(0)
        .max(capacity.unwrap_or(0));
    let (top, step) = scale(max as f64);
    let slot = (WIDTH - LEFT - RIGHT) / dates.len().max(1) as f64;
    frame(out, height, title, top, step, &month_ticks(dates, slot))?;
    let plot = height - TOP - BOTTOM;
    for (k, (name, values)) in series.iter().enumerate() {
        let mut d = String::new();
        for (i, v) in values.iter().enumerate() {
            d.push_str(&format!(
                "{}{:.1} {:.1}",
                if i == 0 { "M" } else { "L" },
                LEFT + (i as f64 + 0.5) * slot,
                TOP + plot - *v as f64 / top * plot
            ));
        }
        write!(
            out,
            "<path class=\"curve curve{k}\" d=\"{d}\" fill=\"none\" stroke=\"{}\"><title>{}</title></path>",
            COLOURS[k * 5 % COLOURS.len()],
            Esc(name)
        )?;
    }
    if let Some(c) = capacity {
        let y = TOP + plot - c as f64 / top * plot;
        write!(
            out,
            "<line class=\"capacity\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"capacity-label\" x=\"{:.1}\" y=\"{:.1}\">capacity {c}</text>",
            WIDTH - RIGHT,
            WIDTH - RIGHT - 2.0,
            y - 3.0
        )?;
    }
    out.write_all(b"</svg>\n")
}

/// The legend of [`curves`]: a solid and a dashed line.
pub(super) fn curve_legend(out: &mut impl Write, names: &[&str]) -> io::Result<()> {
    out.write_all(b"<p class=\"legend\">")?;
    for (k, name) in names.iter().enumerate() {
        write!(
            out,
            "<span class=\"key\"><svg width=\"28\" height=\"10\" aria-hidden=\"true\">\
             <path class=\"curve curve{k}\" d=\"M0 5H28\" stroke=\"{}\"/></svg> {}</span>",
            COLOURS[k * 5 % COLOURS.len()],
            Esc(name)
        )?;
    }
    out.write_all(b"</p>\n")
}

/// A row of [`hbars`]: its label, its segments (a part of the widest
/// row, and the series), the text after it.
pub(super) type Bar = (String, Vec<(f64, usize)>, String);

/// Horizontal bars, one row each: a label, segments (width in parts of
/// `max`, series) and the text after the bar.
pub(super) fn hbars(out: &mut impl Write, title: &str, rows: &[Bar]) -> io::Result<()> {
    const LABEL: f64 = 130.0;
    const ROW: f64 = 24.0;
    const TEXT: f64 = 250.0;
    let height = rows.len() as f64 * ROW + 8.0;
    write!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\"><title>{}</title>",
        Esc(title)
    )?;
    let span = WIDTH - LABEL - TEXT;
    for (r, (label, parts, text)) in rows.iter().enumerate() {
        let y = 4.0 + r as f64 * ROW;
        write!(
            out,
            "<text class=\"label\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            LABEL - 6.0,
            y + 15.0,
            Esc(label)
        )?;
        let mut x = LABEL;
        for (part, series) in parts {
            let w = (part * span).max(0.0);
            if w > 0.0 {
                write!(
                    out,
                    "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{}\" \
                     stroke=\"#000\" stroke-width=\"0.4\"/>",
                    y + 2.0,
                    ROW - 6.0,
                    fill(*series)
                )?;
            }
            x += w;
        }
        write!(
            out,
            "<text class=\"value\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            x + 6.0,
            y + 15.0,
            Esc(text)
        )?;
    }
    out.write_all(b"</svg>\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_end_on_round_numbers() {
        assert_eq!(scale(0.0), (1.0, 1.0));
        assert_eq!(scale(17.0), (20.0, 5.0));
        assert_eq!(scale(57.0), (60.0, 20.0));
        assert_eq!(scale(1234.0), (1500.0, 500.0));
    }
}
