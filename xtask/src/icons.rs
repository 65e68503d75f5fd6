//! `cargo xtask icons`: draws the app icon (an ID card with a portrait and a check mark on a
//! blue-teal tile) with signed-distance shapes, writes it as a PNG, and lets the Tauri CLI
//! derive every platform size into `assets/icons`.

use std::process::Command;

use anyhow::Result;

use crate::sh::{root, run};

const SIZE: usize = 1024;

/// Signed distance from `(x, y)` to a rounded rectangle centred at `(cx, cy)`.
fn rounded_rect(x: f32, y: f32, cx: f32, cy: f32, hw: f32, hh: f32, r: f32) -> f32 {
    let qx = (x - cx).abs() - (hw - r);
    let qy = (y - cy).abs() - (hh - r);
    let outside = (qx.max(0.0).powi(2) + qy.max(0.0).powi(2)).sqrt();
    outside + qx.max(qy).min(0.0) - r
}

fn circle(x: f32, y: f32, cx: f32, cy: f32, r: f32) -> f32 {
    ((x - cx).powi(2) + (y - cy).powi(2)).sqrt() - r
}

/// Distance to the segment from `a` to `b`, minus half the stroke width.
fn stroke(x: f32, y: f32, a: (f32, f32), b: (f32, f32), half_width: f32) -> f32 {
    let (px, py) = (x - a.0, y - a.1);
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let t = ((px * dx + py * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
    ((px - t * dx).powi(2) + (py - t * dy).powi(2)).sqrt() - half_width
}

/// Paints `colour` over `pixel` with the coverage implied by a signed distance (one pixel of
/// anti-aliasing).
fn paint(pixel: &mut [f32; 4], sdf: f32, colour: [f32; 3]) {
    let coverage = (0.5 - sdf).clamp(0.0, 1.0);
    for c in 0..3 {
        pixel[c] = pixel[c] * (1.0 - coverage) + colour[c] * coverage;
    }
    pixel[3] = pixel[3] + (1.0 - pixel[3]) * coverage;
}

fn draw() -> Vec<u8> {
    let mut rgba = Vec::with_capacity(SIZE * SIZE * 4);
    let s = SIZE as f32;
    for row in 0..SIZE {
        for col in 0..SIZE {
            let (x, y) = (col as f32 + 0.5, row as f32 + 0.5);
            let mut px = [0.0f32; 4];
            let t = (x + y) / (2.0 * s);
            let tile = [0.12 + 0.06 * t, 0.37 + 0.19 * t, 0.75 - 0.25 * t];
            paint(&mut px, rounded_rect(x, y, s / 2.0, s / 2.0, 0.47 * s, 0.47 * s, 0.2 * s), tile);
            // The ID card.
            let card = rounded_rect(x, y, 0.5 * s, 0.5 * s, 0.36 * s, 0.23 * s, 0.04 * s);
            paint(&mut px, card, [0.97, 0.98, 1.0]);
            // Portrait: head and shoulders, clipped to the card's photo area.
            let photo = rounded_rect(x, y, 0.32 * s, 0.5 * s, 0.11 * s, 0.15 * s, 0.02 * s);
            paint(&mut px, photo, [0.80, 0.87, 0.96]);
            let head = circle(x, y, 0.32 * s, 0.45 * s, 0.055 * s);
            let shoulders = circle(x, y, 0.32 * s, 0.64 * s, 0.1 * s).max(photo);
            paint(&mut px, head.min(shoulders), [0.25, 0.42, 0.68]);
            // Text lines.
            for (i, len) in [0.26f32, 0.2, 0.23].iter().enumerate() {
                let ly = (0.42 + 0.08 * i as f32) * s;
                let line = stroke(x, y, (0.5 * s, ly), ((0.5 + len) * s, ly), 0.015 * s);
                paint(&mut px, line, [0.62, 0.68, 0.76]);
            }
            // Check mark badge.
            let badge = circle(x, y, 0.76 * s, 0.72 * s, 0.13 * s);
            paint(&mut px, badge - 0.012 * s, [0.97, 0.98, 1.0]);
            paint(&mut px, badge, [0.16, 0.62, 0.42]);
            let check = stroke(x, y, (0.70 * s, 0.72 * s), (0.745 * s, 0.765 * s), 0.018 * s)
                .min(stroke(x, y, (0.745 * s, 0.765 * s), (0.83 * s, 0.67 * s), 0.018 * s));
            paint(&mut px, check, [1.0, 1.0, 1.0]);
            // Painting over transparent black leaves colours premultiplied by coverage; PNG
            // wants them straight.
            let a = px[3];
            for channel in &px[..3] {
                let v = if a > 0.0 { channel / a } else { 0.0 };
                rgba.push((v.clamp(0.0, 1.0) * 255.0).round() as u8);
            }
            rgba.push((a * 255.0).round() as u8);
        }
    }
    rgba
}

/// An 8-bit RGBA PNG (the `png` crate); the Tauri CLI derives every icon size from it.
fn encode_png(rgba: &[u8], width: usize, height: usize) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width as u32, height as u32);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(rgba)?;
    writer.finish()?;
    Ok(out)
}

/// `cargo xtask icons`.
pub fn icons() -> Result<()> {
    let source = std::env::temp_dir().join("kyc-desk-icon-1024.png");
    std::fs::write(&source, encode_png(&draw(), SIZE, SIZE)?)?;
    let out = root().join("assets/icons");
    run(Command::new(root().join("ui/node_modules/.bin/tauri"))
        .arg("icon")
        .arg(&source)
        .arg("--output")
        .arg(&out)
        .current_dir(root()))?;
    // Desktop targets only: drop what the CLI makes for mobile and the Windows Store.
    for entry in std::fs::read_dir(&out)? {
        let path = entry?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        if path.is_dir() {
            std::fs::remove_dir_all(&path)?;
        } else if name.starts_with("Square") || name == "StoreLogo.png" {
            std::fs::remove_file(&path)?;
        } else if name == "128x128@2x.png" {
            // Linux packages put each PNG in the hicolor directory of its size, and an `@2x`
            // name becomes a `256x256@2` directory no theme index declares: call it by its size.
            std::fs::rename(&path, out.join("256x256.png"))?;
        }
    }
    std::fs::remove_file(&source)?;
    eprintln!("icons: written to {}", out.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_icon_png_decodes_back_to_the_drawn_pixels() {
        let rgba: Vec<u8> = (0..3 * 2 * 4).map(|i| (i * 37 % 256) as u8).collect();
        let bytes = encode_png(&rgba, 3, 2).unwrap();
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut pixels).unwrap();
        assert_eq!((info.width, info.height), (3, 2));
        assert_eq!((info.color_type, info.bit_depth), (png::ColorType::Rgba, png::BitDepth::Eight));
        assert_eq!(&pixels[..info.buffer_size()], &rgba[..]);
    }
}
