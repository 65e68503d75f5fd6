// The document viewer's geometry, kept pure so it can be tested. Three nested elements carry
// it: pan (translate, screen pixels) > rotor (rotate, 90° steps) > zoom (scale). Rotation sits
// on its own wrapper so zooming never resets or skews it (panzoom issue 442).

export interface ViewState {
  /** Image pixels per screen pixel at 1.0 (1:1). */
  scale: number;
  panX: number;
  panY: number;
  /** 0, 90, 180 or 270. */
  rotation: number;
  /** Whether the scale follows the stage size (fit mode). */
  fit: boolean;
}

export const MIN_SCALE = 0.05;
export const MAX_SCALE = 8;
export const ZOOM_STEP = 1.25;
export const PAN_STEP = 60;

export function initialView(): ViewState {
  return { scale: 1, panX: 0, panY: 0, rotation: 0, fit: true };
}

/** The scale at which the rotated image fits the stage (never enlarged beyond 1:1 × 2). */
export function fitScale(
  imageW: number,
  imageH: number,
  stageW: number,
  stageH: number,
  rotation: number,
): number {
  if (imageW <= 0 || imageH <= 0 || stageW <= 0 || stageH <= 0) return 1;
  const quarter = rotation % 180 !== 0;
  const w = quarter ? imageH : imageW;
  const h = quarter ? imageW : imageH;
  return clampScale(Math.min(stageW / w, stageH / h, 2));
}

export function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

/**
 * Zooms by `factor` keeping the point `at` (screen pixels from the stage centre) still; without
 * `at`, around the centre.
 */
export function zoomBy(view: ViewState, factor: number, at = { x: 0, y: 0 }): ViewState {
  const scale = clampScale(view.scale * factor);
  const ratio = scale / view.scale;
  return {
    ...view,
    scale,
    panX: at.x - (at.x - view.panX) * ratio,
    panY: at.y - (at.y - view.panY) * ratio,
    fit: false,
  };
}

export function panBy(view: ViewState, dx: number, dy: number): ViewState {
  return { ...view, panX: view.panX + dx, panY: view.panY + dy };
}

export function rotateBy(view: ViewState, quarterTurns: 1 | -1): ViewState {
  return { ...view, rotation: (((view.rotation + quarterTurns * 90) % 360) + 360) % 360 };
}

export function toFit(view: ViewState): ViewState {
  return { ...view, panX: 0, panY: 0, fit: true };
}

export function toActualSize(view: ViewState): ViewState {
  return { ...view, scale: 1, panX: 0, panY: 0, fit: false };
}

export function panTransform(view: ViewState): string {
  return `translate(${round(view.panX)}px, ${round(view.panY)}px)`;
}
export function rotorTransform(view: ViewState): string {
  return `rotate(${view.rotation}deg)`;
}
export function zoomTransform(scale: number): string {
  return `scale(${round(scale, 4)})`;
}

function round(n: number, digits = 2) {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
