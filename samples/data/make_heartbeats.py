#!/usr/bin/env python3
"""Writes heartbeats.csv: synthetic heartbeat-like sequences for the samples (pure Python, seeded).

Each row: label, then 64 samples of one beat. A beat is a sum of Gaussian bumps (P wave, QRS
complex, T wave) with random timing, width and amplitude jitter, baseline wander and noise.
Classes (loosely after ECG beat types):
  0 normal        P, narrow QRS, T
  1 ventricular   no P, wide and tall QRS, inverted T
  2 atrial        early, inverted P, narrow QRS, T
Run: python3 make_heartbeats.py > heartbeats.csv
"""
import math
import random

STEPS = 64
ROWS_PER_CLASS = 300


def bump(t, center, width, height):
    return height * math.exp(-0.5 * ((t - center) / width) ** 2)


def beat(label, rng):
    shift = rng.uniform(-8, 8)
    scale = rng.uniform(0.8, 1.2)
    wander_a = rng.uniform(-0.15, 0.15)
    wander_f = rng.uniform(0.02, 0.06)
    wander_p = rng.uniform(0, 2 * math.pi)
    values = []
    for t in range(STEPS):
        x = 0.0
        if label == 0:
            x += bump(t, 14 + shift, 2.5, 0.25 * scale)
            x += bump(t, 27 + shift, 1.2, -0.3 * scale) + bump(t, 30 + shift, 1.3, 1.6 * scale) + bump(t, 33 + shift, 1.2, -0.4 * scale)
            x += bump(t, 47 + shift, 4.0, 0.45 * scale)
        elif label == 1:
            x += bump(t, 29 + shift, 3.5, 2.0 * scale) + bump(t, 36 + shift, 3.0, -0.8 * scale)
            x += bump(t, 50 + shift, 4.5, -0.5 * scale)
        else:
            x += bump(t, 9 + shift, 2.5, -0.3 * scale)
            x += bump(t, 27 + shift, 1.2, -0.3 * scale) + bump(t, 30 + shift, 1.3, 1.5 * scale) + bump(t, 33 + shift, 1.2, -0.4 * scale)
            x += bump(t, 47 + shift, 4.0, 0.4 * scale)
        x += wander_a * math.sin(wander_f * t * 2 * math.pi + wander_p)
        x += rng.gauss(0, 0.04)
        values.append(x)
    return values


def main():
    rng = random.Random(20261123)
    rows = [(label, beat(label, rng)) for label in range(3) for _ in range(ROWS_PER_CLASS)]
    rng.shuffle(rows)
    for label, values in rows:
        print(",".join([str(label)] + ["%.4f" % v for v in values]))


if __name__ == "__main__":
    main()
