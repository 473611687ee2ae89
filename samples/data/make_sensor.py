#!/usr/bin/env python3
"""Writes sensor.csv: a synthetic sensor series with injected anomalies for the samples (pure Python, seeded).

One row per time step: time, value, label (1 inside an injected anomaly). The signal is two periodic
components (periods 50 and 13 steps) with slow drift and noise. The first 2000 steps are clean (the
training part); from step 2000 on, five kinds of anomaly are injected:
  spike, level shift, frequency change, stuck sensor (flat line), noise burst.
Run: python3 make_sensor.py > sensor.csv
"""
import math
import random

STEPS = 4000
ANOMALIES = [  # (start, end exclusive, kind)
    (2300, 2302, "spike"),
    (2600, 2660, "level shift"),
    (3000, 3100, "frequency change"),
    (3400, 3450, "stuck"),
    (3700, 3740, "noise burst"),
]


def main():
    rng = random.Random(20261123)
    print("time,value,label")
    stuck = None
    for t in range(STEPS):
        period = 50.0
        kind = next((k for s, e, k in ANOMALIES if s <= t < e), None)
        if kind == "frequency change":
            period = 25.0
        x = math.sin(2 * math.pi * t / period) + 0.4 * math.sin(2 * math.pi * t / 13.0 + 1.0)
        x += 0.2 * math.sin(2 * math.pi * t / 1000.0)
        x += rng.gauss(0, 0.08)
        if kind == "spike":
            x += 2.5
        elif kind == "level shift":
            x += 1.2
        elif kind == "stuck":
            stuck = x if stuck is None else stuck
            x = stuck
        elif kind == "noise burst":
            x += rng.gauss(0, 0.6)
        print("%d,%.4f,%d" % (t, x, 1 if kind else 0))


if __name__ == "__main__":
    main()
