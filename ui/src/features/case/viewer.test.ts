import { describe, expect, it } from "vitest";
import {
  fitScale,
  initialView,
  MAX_SCALE,
  panBy,
  rotateBy,
  rotorTransform,
  toActualSize,
  toFit,
  zoomBy,
  zoomTransform,
} from "./viewer";

describe("viewer geometry", () => {
  it("fits the image, swapping sides when rotated a quarter turn", () => {
    expect(fitScale(2000, 1000, 1000, 1000, 0)).toBe(0.5);
    expect(fitScale(2000, 1000, 1000, 500, 90)).toBe(0.25);
    expect(fitScale(100, 100, 1000, 1000, 0)).toBe(2);
  });

  it("rotation survives zooming and zoom survives rotation (they live on separate elements)", () => {
    let view = rotateBy(initialView(), 1);
    view = zoomBy(view, 2);
    expect(view.rotation).toBe(90);
    expect(rotorTransform(view)).toBe("rotate(90deg)");
    view = rotateBy(view, 1);
    expect(view.scale).toBe(2);
    expect(zoomTransform(view.scale)).toBe("scale(2)");
    view = rotateBy(rotateBy(rotateBy(view, 1), 1), 1);
    expect(view.rotation).toBe(90);
    expect(rotateBy(initialView(), -1).rotation).toBe(270);
  });

  it("zooms around the pointer: the point under it stays put", () => {
    const at = { x: 100, y: -50 };
    const start = { ...initialView(), panX: 10, panY: 20 };
    const next = zoomBy(start, 2, at);
    // The image point under `at` was (at - pan) / scale; it must map to `at` again.
    const before = { x: (at.x - start.panX) / start.scale, y: (at.y - start.panY) / start.scale };
    expect(before.x * next.scale + next.panX).toBeCloseTo(at.x);
    expect(before.y * next.scale + next.panY).toBeCloseTo(at.y);
    expect(next.fit).toBe(false);
  });

  it("clamps the zoom and resets with fit and 1:1", () => {
    let view = initialView();
    for (let i = 0; i < 40; i++) view = zoomBy(view, 1.25);
    expect(view.scale).toBe(MAX_SCALE);
    view = panBy(view, 30, 40);
    expect(toFit(view)).toMatchObject({ panX: 0, panY: 0, fit: true });
    expect(toActualSize(view)).toMatchObject({ scale: 1, panX: 0, panY: 0, fit: false });
  });
});
