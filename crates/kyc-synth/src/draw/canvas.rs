//! An RGB canvas with the few primitives the documents need. Rows are filled by copying a
//! prepared run of pixels, which stays fast in unoptimised debug builds (the copies are
//! `memcpy`), so that generating a batch of cases is quick in tests.

/// An RGB colour.
pub(crate) type Rgb = [u8; 3];

/// A canvas of `width × height` RGB pixels.
pub(crate) struct Canvas {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
    /// A run of one colour, reused by fills.
    run: Vec<u8>,
    run_colour: Option<Rgb>,
    /// Drawing is limited to `x0..x1, y0..y1`.
    clip: (i64, i64, i64, i64),
}

impl Canvas {
    /// A canvas filled with a horizontal gradient from `left` to `right`.
    pub(crate) fn gradient(width: u32, height: u32, left: Rgb, right: Rgb) -> Canvas {
        let w = width as usize;
        let mut row = Vec::with_capacity(w * 3);
        for x in 0..w {
            let t = x as u32 * 256 / width.max(1);
            for c in 0..3 {
                let v = (u32::from(left[c]) * (256 - t) + u32::from(right[c]) * t) / 256;
                row.push(v as u8);
            }
        }
        let mut pixels = vec![0u8; w * 3 * height as usize];
        for chunk in pixels.chunks_exact_mut(w * 3) {
            chunk.copy_from_slice(&row);
        }
        let clip = (0, 0, i64::from(width), i64::from(height));
        Canvas { width, height, pixels, run: Vec::new(), run_colour: None, clip }
    }

    /// Limits drawing to a rectangle (intersected with the canvas); `None` lifts the limit.
    pub(crate) fn set_clip(&mut self, rect: Option<(i64, i64, i64, i64)>) {
        let (w, h) = (i64::from(self.width), i64::from(self.height));
        self.clip = match rect {
            Some((x, y, rw, rh)) => (x.max(0), y.max(0), (x + rw).min(w), (y + rh).min(h)),
            None => (0, 0, w, h),
        };
    }

    fn prepare_run(&mut self, colour: Rgb, len: usize) {
        if self.run_colour != Some(colour) || self.run.len() < len * 3 {
            let n = (self.width as usize).max(len);
            self.run.clear();
            for _ in 0..n {
                self.run.extend_from_slice(&colour);
            }
            self.run_colour = Some(colour);
        }
    }

    /// Fills pixels `x0..x1` of row `y` (clipped).
    pub(crate) fn span(&mut self, y: i64, x0: i64, x1: i64, colour: Rgb) {
        let (cx0, cy0, cx1, cy1) = self.clip;
        if y < cy0 || y >= cy1 {
            return;
        }
        let x0 = x0.clamp(cx0, cx1.max(cx0)) as usize;
        let x1 = x1.clamp(cx0, cx1.max(cx0)) as usize;
        if x1 <= x0 {
            return;
        }
        self.prepare_run(colour, x1 - x0);
        let start = (y as usize * self.width as usize + x0) * 3;
        let len = (x1 - x0) * 3;
        self.pixels[start..start + len].copy_from_slice(&self.run[..len]);
    }

    /// Fills a rectangle (clipped).
    pub(crate) fn rect(&mut self, x: i64, y: i64, w: i64, h: i64, colour: Rgb) {
        for row in y..y + h {
            self.span(row, x, x + w, colour);
        }
    }

    /// Draws a rectangle outline `t` pixels thick.
    pub(crate) fn frame(&mut self, x: i64, y: i64, w: i64, h: i64, t: i64, colour: Rgb) {
        self.rect(x, y, w, t, colour);
        self.rect(x, y + h - t, w, t, colour);
        self.rect(x, y, t, h, colour);
        self.rect(x + w - t, y, t, h, colour);
    }

    /// Fills an axis-aligned ellipse.
    pub(crate) fn ellipse(&mut self, cx: i64, cy: i64, rx: i64, ry: i64, colour: Rgb) {
        if rx <= 0 || ry <= 0 {
            return;
        }
        for dy in -ry..=ry {
            let f = 1.0 - (dy as f64 / ry as f64).powi(2);
            let half = (rx as f64 * f.max(0.0).sqrt()) as i64;
            self.span(cy + dy, cx - half, cx + half + 1, colour);
        }
    }

    /// Draws an ellipse outline `t` pixels thick (a ring between two ellipses, row by row).
    pub(crate) fn ring(&mut self, cx: i64, cy: i64, rx: i64, ry: i64, t: i64, colour: Rgb) {
        if rx <= t || ry <= t {
            return;
        }
        let (irx, iry) = (rx - t, ry - t);
        for dy in -ry..=ry {
            let outer =
                (rx as f64 * (1.0 - (dy as f64 / ry as f64).powi(2)).max(0.0).sqrt()) as i64;
            if dy.abs() >= iry {
                self.span(cy + dy, cx - outer, cx + outer + 1, colour);
            } else {
                let inner =
                    (irx as f64 * (1.0 - (dy as f64 / iry as f64).powi(2)).max(0.0).sqrt()) as i64;
                self.span(cy + dy, cx - outer, cx - inner, colour);
                self.span(cy + dy, cx + inner + 1, cx + outer + 1, colour);
            }
        }
    }

    /// Blends `colour` into one pixel with coverage `alpha` in 0..=1.
    pub(crate) fn blend(&mut self, x: i64, y: i64, colour: Rgb, alpha: f32) {
        let (cx0, cy0, cx1, cy1) = self.clip;
        if x < cx0 || y < cy0 || x >= cx1 || y >= cy1 {
            return;
        }
        let a = (alpha.clamp(0.0, 1.0) * 256.0) as u32;
        let i = (y as usize * self.width as usize + x as usize) * 3;
        for (px, &c) in self.pixels[i..i + 3].iter_mut().zip(&colour) {
            *px = ((u32::from(*px) * (256 - a) + u32::from(c) * a) / 256) as u8;
        }
    }
}
