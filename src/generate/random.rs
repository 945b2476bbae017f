//! Random draws that give the same numbers on every machine.
//!
//! Everything starts from the raw 64-bit words of ChaCha8 (a fully specified
//! stream). The conversions to floats, ranges and distributions are written
//! here with IEEE-754 basic operations only (`+ - * /`, which every platform
//! rounds the same way) rather than taken from `rand`'s distributions or the
//! platform's `exp`/`ln`, whose last bits may differ between C libraries and
//! library versions. So a seed gives the same file everywhere, for good.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A seeded source of draws.
pub(crate) struct Draws {
    rng: ChaCha8Rng,
}

impl Draws {
    /// The draws of `seed` on one of several independent streams.
    pub(crate) fn new(seed: u64, stream: u64) -> Draws {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        Draws { rng }
    }

    /// Uniform in [0, 1), with 53 random bits.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `0..n` (`n > 0`), by multiply-and-shift; the bias is below
    /// `n / 2^64`, nothing for the sizes used here.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.rng.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `low..=high` (`low <= high`).
    pub(crate) fn between(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low) as u64 + 1) as i64
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Picks an index with probability proportional to `weights`.
    pub(crate) fn pick(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut x = self.unit() * total;
        for (i, w) in weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }

    /// Standard normal, approximately: the sum of twelve uniforms minus six
    /// (mean 0, variance 1, bounded by ±6, which suits amounts and delays).
    pub(crate) fn normal(&mut self) -> f64 {
        let mut sum = 0.0;
        for _ in 0..6 {
            let word = self.rng.next_u64();
            sum += (word >> 32) as f64 + (word & 0xffff_ffff) as f64;
        }
        sum * (1.0 / (1u64 << 32) as f64) - 6.0
    }

    /// Log-normal with the given median and shape (`sigma` of the logarithm).
    pub(crate) fn log_normal(&mut self, median: f64, sigma: f64) -> f64 {
        median * exp(sigma * self.normal())
    }

    /// Exponential with the given mean.
    pub(crate) fn exponential(&mut self, mean: f64) -> f64 {
        // 1 - unit() is in (0, 1], so the logarithm is finite.
        -mean * ln(1.0 - self.unit())
    }
}

const LN_2: f64 = std::f64::consts::LN_2;

/// `e^x`, to about 1e-15 relative, for |x| < 700, from basic operations only.
pub(crate) fn exp(x: f64) -> f64 {
    let k = (x / LN_2).round();
    let r = x - k * LN_2;
    // Taylor series of e^r for |r| <= ln(2)/2, Horner form.
    let mut term = 1.0;
    for n in (1..=16).rev() {
        term = 1.0 + r * term / f64::from(n);
    }
    term * f64::from_bits(((1023 + k as i64) as u64) << 52)
}

/// Natural logarithm of `x > 0` (normal, finite), from basic operations only.
pub(crate) fn ln(x: f64) -> f64 {
    let bits = x.to_bits();
    let mut e = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & ((1u64 << 52) - 1)) | (1023u64 << 52));
    if m > std::f64::consts::SQRT_2 {
        m /= 2.0;
        e += 1;
    }
    // ln(m) = 2 atanh(s) with s = (m - 1) / (m + 1), |s| < 0.172.
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut sum = 0.0;
    for n in (0..12).rev() {
        sum = 1.0 / f64::from(2 * n + 1) + s2 * sum;
    }
    2.0 * s * sum + e as f64 * LN_2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_and_ln_match_the_platform_closely() {
        for i in -400..=400 {
            let x = f64::from(i) / 37.0;
            let ours = exp(x);
            assert!(((ours - x.exp()) / x.exp()).abs() < 1e-14, "exp({x})");
            let y = ours;
            assert!((ln(y) - y.ln()).abs() < 1e-13, "ln({y})");
        }
        assert!((ln(1e-300) - 1e-300f64.ln()).abs() < 1e-10);
    }

    #[test]
    fn draws_stay_in_their_ranges() {
        let mut d = Draws::new(7, 0);
        for _ in 0..10_000 {
            let u = d.unit();
            assert!((0.0..1.0).contains(&u));
            assert!(d.below(3) < 3);
            assert!((5..=9).contains(&d.between(5, 9)));
            assert!(d.normal().abs() <= 6.0);
            assert!(d.exponential(10.0) >= 0.0);
        }
    }

    #[test]
    fn normal_has_mean_zero_and_unit_variance() {
        let mut d = Draws::new(1, 0);
        let n = 100_000;
        let xs: Vec<f64> = (0..n).map(|_| d.normal()).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.02, "{mean}");
        assert!((var - 1.0).abs() < 0.02, "{var}");
    }

    #[test]
    fn the_first_words_of_a_seed_never_change() {
        // Pins the ChaCha8 stream and the conversions: if this fails, every
        // generated file changes.
        let mut d = Draws::new(2025, 0);
        let words: Vec<u64> = (0..3).map(|_| d.below(1_000_000)).collect();
        assert_eq!(words, vec![537142, 763537, 942867]);
        let x = d.log_normal(100.0, 0.5) + d.exponential(10.0);
        assert_eq!(x.to_bits(), 4638772494237707819);
    }
}
