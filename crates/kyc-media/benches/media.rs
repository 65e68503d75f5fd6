//! `cargo bench -p kyc-media --bench media`: the cost of preparing a 12-megapixel phone photo.
//!
//! For generated 4000 × 3000 JPEGs at 4:2:0 and 4:4:4 chroma sampling, prints the median
//! milliseconds per image of
//! - the full path (`prepare_image`: decode, orient, resize, watermark, encode both
//!   renditions) — the target is ≤ 120 ms on one core;
//! - the naive path with the `image` crate alone (decode, Lanczos3 resize to 2560, encode with
//!   `image`'s JPEG encoder) — the full path must be ≥ 3× faster;
//! - `vipsthumbnail -s 2560` as a process (Debian `libvips-tools`), with its default threads
//!   and with `VIPS_CONCURRENCY=1` — the full path must be faster;
//! - decode-only, resize-only (`fast_image_resize` vs `image`) and encode-only (`jpeg-encoder`
//!   vs `image`) figures, which are the numbers the pipeline's choices were made on.
//!
//! This process is single-threaded (no rayon in `image` or `fast_image_resize`). Each figure is
//! printed as CPU time (this thread's, or vipsthumbnail's user + system time) and wall time;
//! targets are judged on CPU time, which is the one-core cost and does not grow when other
//! builds share the machine.

use std::hint::black_box;
use std::io::Cursor;
use std::process::Command;
use std::time::{Duration, Instant};

use fast_image_resize as fr;
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, RgbImage};
use kyc_media::{Limits, Watermark, fit_within, prepare_image};

const WIDTH: u32 = 4000;
const HEIGHT: u32 = 3000;

fn main() {
    let watermark = Watermark {
        reviewer: kyc_model::UserId::parse("u_benchreviewer01").expect("valid id"),
        case_ref: "c-7f3a".to_owned(),
        at: time::OffsetDateTime::UNIX_EPOCH,
    };
    let limits = Limits::default();
    let photo = photo_like(WIDTH, HEIGHT);
    let vips = vipsthumbnail_available();
    let dir = std::env::temp_dir().join(format!("kyc-media-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");

    for (label, sampling) in [
        ("4:2:0", jpeg_encoder::SamplingFactor::R_4_2_0),
        ("4:4:4", jpeg_encoder::SamplingFactor::R_4_4_4),
    ] {
        let jpeg = encode_source(&photo, sampling);
        println!("\n== {WIDTH}x{HEIGHT} JPEG {label}, {:.1} MB ==", jpeg.len() as f64 / 1e6);

        let full = measure(11, Cpu::Thread, || {
            black_box(prepare_image(&jpeg, &limits, &watermark).expect("prepares"));
        });
        let naive = measure(5, Cpu::Thread, || {
            black_box(naive_path(&jpeg));
        });
        let decode = measure(9, Cpu::Thread, || {
            black_box(image::load_from_memory(&jpeg).expect("decodes"));
        });

        let decoded = image::load_from_memory(&jpeg).expect("decodes").into_rgb8();
        let (dw, dh) = fit_within(WIDTH, HEIGHT, 2560);
        let fir_lanczos = measure(9, Cpu::Thread, || {
            black_box(fir_resize(&decoded, dw, dh, fr::FilterType::Lanczos3));
        });
        let fir_catmull = measure(9, Cpu::Thread, || {
            black_box(fir_resize(&decoded, dw, dh, fr::FilterType::CatmullRom));
        });
        let fir_hamming = measure(9, Cpu::Thread, || {
            black_box(fir_resize(&decoded, dw, dh, fr::FilterType::Hamming));
        });
        let display_rgb =
            RgbImage::from_raw(dw, dh, fir_resize(&decoded, dw, dh, fr::FilterType::Lanczos3))
                .expect("sized");
        let (tw, th) = fit_within(dw, dh, 320);
        let thumb_lanczos = measure(9, Cpu::Thread, || {
            black_box(fir_resize(&display_rgb, tw, th, fr::FilterType::Lanczos3));
        });
        let thumb_hamming = measure(9, Cpu::Thread, || {
            black_box(fir_resize(&display_rgb, tw, th, fr::FilterType::Hamming));
        });
        let image_lanczos = measure(3, Cpu::Thread, || {
            black_box(image::imageops::resize(&decoded, dw, dh, FilterType::Lanczos3));
        });
        let image_triangle = measure(3, Cpu::Thread, || {
            black_box(image::imageops::resize(&decoded, dw, dh, FilterType::Triangle));
        });

        let display = fir_resize(&decoded, dw, dh, fr::FilterType::Lanczos3);
        let encode_fast = measure(9, Cpu::Thread, || {
            black_box(jpeg_encoder_encode(&display));
        });
        let encode_image = measure(5, Cpu::Thread, || {
            black_box(image_encode(&display));
        });

        let (vips_default, vips_one) = if vips {
            let input = dir.join(format!("photo-{}.jpg", label.replace(':', "")));
            std::fs::write(&input, &jpeg).expect("write bench input");
            let output = dir.join("out.jpg");
            let run = |one_thread: bool| {
                measure(7, Cpu::Children, || {
                    let mut command = Command::new("vipsthumbnail");
                    command
                        .arg(&input)
                        .args(["-s", "2560", "-o"])
                        .arg(format!("{}[Q=85]", output.display()));
                    if one_thread {
                        command.env("VIPS_CONCURRENCY", "1");
                    }
                    let status = command.status().expect("vipsthumbnail runs");
                    assert!(status.success(), "vipsthumbnail failed");
                })
            };
            (Some(run(false)), Some(run(true)))
        } else {
            (None, None)
        };

        println!("full path (both renditions, watermarked) {full}");
        println!("naive path (image: decode+Lanczos3+encode) {naive}");
        match (vips_default, vips_one) {
            (Some(default), Some(one)) => {
                println!("vipsthumbnail -s 2560 (process, default)  {default}");
                println!("vipsthumbnail -s 2560 (VIPS_CONCURRENCY=1) {one}");
            }
            _ => println!("vipsthumbnail baseline SKIPPED (not installed)"),
        }
        println!("decode only (image/zune-jpeg)             {decode}");
        println!("resize ->2560 fast_image_resize Lanczos3  {fir_lanczos}");
        println!("resize ->2560 fast_image_resize CatmullRom {fir_catmull}");
        println!("resize ->2560 fast_image_resize Hamming   {fir_hamming}");
        println!("resize ->2560 image Lanczos3              {image_lanczos}");
        println!("resize ->2560 image Triangle              {image_triangle}");
        println!("thumbnail 2560->320 fast_image_resize Lanczos3 {thumb_lanczos}");
        println!("thumbnail 2560->320 fast_image_resize Hamming  {thumb_hamming}");
        println!("encode 2560 jpeg-encoder q85              {encode_fast}");
        println!("encode 2560 image JpegEncoder q85         {encode_image}");
        println!("-- ratios (CPU time; wall time in brackets) --");
        let ratio = |a: Timing, b: Timing| (a.cpu / b.cpu, a.wall / b.wall);
        let (cpu, wall) = ratio(naive, full);
        println!("naive / full = {cpu:.2}x [{wall:.2}x] (target >= 3x){}", verdict(cpu >= 3.0));
        if let (Some(default), Some(one)) = (vips_default, vips_one) {
            let (cpu, wall) = ratio(default, full);
            println!(
                "vipsthumbnail(default) / full = {cpu:.2}x [{wall:.2}x] (target > 1x){}",
                verdict(cpu > 1.0 && wall > 1.0)
            );
            let (cpu, wall) = ratio(one, full);
            println!(
                "vipsthumbnail(1 thread) / full = {cpu:.2}x [{wall:.2}x] (target > 1x){}",
                verdict(cpu > 1.0)
            );
        }
        println!(
            "full <= 120 ms CPU on one core: {:.1} ms{}",
            full.cpu,
            verdict(full.cpu <= 120.0)
        );
        let (cpu, wall) = ratio(image_lanczos, fir_lanczos);
        println!("image resize / fast_image_resize (Lanczos3) = {cpu:.1}x [{wall:.1}x]");
        let (cpu, wall) = ratio(encode_image, encode_fast);
        println!("image encoder / jpeg-encoder = {cpu:.1}x [{wall:.1}x]");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn verdict(ok: bool) -> &'static str {
    if ok { "  ok" } else { "  MISSED" }
}

/// Median wall time and median CPU time of one run, in milliseconds.
#[derive(Clone, Copy)]
struct Timing {
    wall: f64,
    cpu: f64,
}

impl std::fmt::Display for Timing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:8.1} ms cpu {:8.1} ms wall", self.cpu, self.wall)
    }
}

/// Whose CPU time a run is charged: this thread, or the child processes it waited for.
#[derive(Clone, Copy)]
enum Cpu {
    Thread,
    Children,
}

/// CPU time so far, in seconds. CPU time rather than wall time is the "one core" figure and
/// stays meaningful when other builds share the machine.
#[cfg(unix)]
fn cpu_seconds(who: Cpu) -> f64 {
    match who {
        Cpu::Thread => {
            let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
            // SAFETY: `ts` is a valid, writable timespec.
            unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
            ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
        }
        Cpu::Children => {
            // SAFETY: `usage` is a valid, writable rusage.
            let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
            unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
            let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
            seconds(usage.ru_utime) + seconds(usage.ru_stime)
        }
    }
}

/// Without a CPU clock, CPU time is reported as wall time.
#[cfg(not(unix))]
fn cpu_seconds(_who: Cpu) -> f64 {
    f64::NAN
}

/// Median wall and CPU time of `runs` calls, after one warm-up call.
fn measure(runs: usize, who: Cpu, mut f: impl FnMut()) -> Timing {
    f();
    let mut walls: Vec<Duration> = Vec::with_capacity(runs);
    let mut cpus: Vec<f64> = Vec::with_capacity(runs);
    for _ in 0..runs {
        let cpu_start = cpu_seconds(who);
        let start = Instant::now();
        f();
        walls.push(start.elapsed());
        cpus.push(cpu_seconds(who) - cpu_start);
    }
    walls.sort();
    cpus.sort_by(f64::total_cmp);
    let wall = walls[runs / 2].as_secs_f64() * 1000.0;
    let cpu = cpus[runs / 2] * 1000.0;
    Timing { wall, cpu: if cpu.is_nan() { wall } else { cpu } }
}

/// A deterministic photo-like image: smooth colour gradients, a few soft shapes with hard
/// edges (like a card on a desk), and per-pixel sensor noise, which is what makes real photos
/// expensive to encode.
fn photo_like(width: u32, height: u32) -> RgbImage {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % 17) as i32 - 8
    };
    RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32 / width as f32, y as f32 / height as f32);
        let mut rgb = [
            60.0 + 150.0 * fx,
            80.0 + 120.0 * fy,
            120.0 + 80.0 * (fx * 6.0).sin() * (fy * 4.0).cos(),
        ];
        let card = (0.25..0.75).contains(&fx) && (0.3..0.7).contains(&fy);
        if card {
            rgb = [rgb[0] * 0.4 + 140.0, rgb[1] * 0.4 + 140.0, rgb[2] * 0.4 + 130.0];
            // Printed lines of "text" on the card.
            if ((fy * 60.0) as u32).is_multiple_of(3) && !((fx * 90.0) as u32).is_multiple_of(4) {
                rgb = [40.0, 40.0, 60.0];
            }
        }
        let n = noise() as f32;
        image::Rgb(rgb.map(|c| (c + n).clamp(0.0, 255.0) as u8))
    })
}

fn encode_source(photo: &RgbImage, sampling: jpeg_encoder::SamplingFactor) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 92);
    encoder.set_sampling_factor(sampling);
    encoder
        .encode(photo, photo.width() as u16, photo.height() as u16, jpeg_encoder::ColorType::Rgb)
        .expect("encodes");
    out
}

fn naive_path(jpeg: &[u8]) -> Vec<u8> {
    let image = image::load_from_memory(jpeg).expect("decodes");
    let resized = image.resize(2560, 2560, FilterType::Lanczos3);
    let mut out = Vec::new();
    let rgb = DynamicImage::ImageRgb8(resized.into_rgb8());
    rgb.write_with_encoder(JpegEncoder::new_with_quality(Cursor::new(&mut out), 85))
        .expect("encodes");
    out
}

fn fir_resize(source: &RgbImage, width: u32, height: u32, filter: fr::FilterType) -> Vec<u8> {
    let view =
        fr::images::ImageRef::new(source.width(), source.height(), source, fr::PixelType::U8x3)
            .expect("view");
    let mut target = fr::images::Image::new(width, height, fr::PixelType::U8x3);
    let options = fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(filter));
    fr::Resizer::new().resize(&view, &mut target, &options).expect("resizes");
    target.into_vec()
}

fn jpeg_encoder_encode(image: &[u8]) -> Vec<u8> {
    let (w, h) = fit_within(WIDTH, HEIGHT, 2560);
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 85);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    encoder.encode(image, w as u16, h as u16, jpeg_encoder::ColorType::Rgb).expect("encodes");
    out
}

fn image_encode(image: &[u8]) -> Vec<u8> {
    let (w, h) = fit_within(WIDTH, HEIGHT, 2560);
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 85)
        .encode(image, w, h, image::ExtendedColorType::Rgb8)
        .expect("encodes");
    out
}

fn vipsthumbnail_available() -> bool {
    let found =
        Command::new("vipsthumbnail").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        eprintln!();
        eprintln!("!!! vipsthumbnail NOT FOUND: install Debian's libvips-tools to measure the");
        eprintln!("!!! libvips baseline. Skipping that baseline in this run.");
        eprintln!();
    }
    found
}
