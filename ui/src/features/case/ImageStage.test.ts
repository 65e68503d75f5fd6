import { beforeEach, describe, expect, it } from "vitest";
import { fireEvent, render, screen } from "@testing-library/svelte";
import ImageStage from "./ImageStage.svelte";
import { i18n } from "../../lib/i18n/index.svelte";

const press = (key: string) => fireEvent.keyDown(document.body, { key });
const transform = (testid: string) => (screen.getByTestId(testid) as HTMLElement).style.transform;

describe("ImageStage", () => {
  beforeEach(() => (i18n.locale = "en"));

  it("zooms with + and -, rotates with ] and [, each on its own element", async () => {
    render(ImageStage, { src: "media://localhost/m1/display", alt: "ID card", userId: "u-1" });
    await press("+");
    expect(transform("viewer-zoom")).toBe("scale(1.25)");
    await press("]");
    expect(transform("viewer-rotor")).toBe("rotate(90deg)");
    expect(transform("viewer-zoom")).toBe("scale(1.25)");
    await press("-");
    await press("-");
    expect(transform("viewer-zoom")).toBe("scale(0.8)");
    expect(transform("viewer-rotor")).toBe("rotate(90deg)");
    await press("[");
    await press("[");
    expect(transform("viewer-rotor")).toBe("rotate(270deg)");
  });

  it("pans with the arrows and by dragging; 1:1 and fit reset the pan", async () => {
    render(ImageStage, { src: "media://localhost/m1/display", alt: "ID card", userId: "u-1" });
    await press("ArrowLeft");
    expect(transform("viewer-pan")).toBe("translate(60px, 0px)");
    const stage = screen.getByTestId("viewer-stage");
    await fireEvent.pointerDown(stage, { button: 0, pointerId: 1, clientX: 10, clientY: 10 });
    await fireEvent.pointerMove(stage, { pointerId: 1, clientX: 30, clientY: 50 });
    await fireEvent.pointerUp(stage, { pointerId: 1 });
    expect(transform("viewer-pan")).toBe("translate(80px, 40px)");
    await press("1");
    expect(transform("viewer-pan")).toBe("translate(0px, 0px)");
    expect(transform("viewer-zoom")).toBe("scale(1)");
    await press("ArrowDown");
    await press("0");
    expect(transform("viewer-pan")).toBe("translate(0px, 0px)");
  });

  it("zooms with the wheel and carries the live watermark", async () => {
    render(ImageStage, { src: "media://localhost/m1/display", alt: "ID card", userId: "u-1" });
    await fireEvent.wheel(screen.getByTestId("viewer-stage"), { deltaY: -100 });
    expect(transform("viewer-zoom")).toBe("scale(1.25)");
    expect(screen.getByTestId("live-watermark").textContent).toMatch(/u-1 · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
  });
});
