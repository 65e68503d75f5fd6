import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { caseView } from "../../test/fixtures";
import type { Platform } from "../../lib/ipc";

const ipc = vi.hoisted(() => ({ peekCase: vi.fn() }));
vi.mock("../../lib/ipc", async (original) => ({ ...(await original<object>()), ipc }));

import { CasePrefetch } from "./prefetch";

const THUMB = (id: string) => `media://localhost/${id}/thumbnail`;
const DISPLAY = (id: string) => `media://localhost/${id}/display`;

describe("the next-case prefetch", () => {
  let live: Set<string>;
  let made: number;

  beforeEach(() => {
    live = new Set();
    made = 0;
    ipc.peekCase.mockReset();
    ipc.peekCase.mockImplementation(async (caseId: string) =>
      caseView({
        caseId,
        documents: [
          {
            index: 0,
            kind: "id_card_front",
            subject: "applicant",
            fields: [],
            media: [{ mediaId: `${caseId}-front`, contentType: "image/jpeg", variants: ["display", "thumbnail"], role: "image" }],
          },
        ],
      }),
    );
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => new Response(new Blob([new Uint8Array([1, 2, 3])], { type: "image/jpeg" }))),
    );
    URL.createObjectURL = vi.fn(() => {
      const url = `blob:app/${++made}`;
      live.add(url);
      return url;
    });
    URL.revokeObjectURL = vi.fn((url: string) => void live.delete(url));
  });
  afterEach(() => vi.unstubAllGlobals());

  const prefetchOn = (platform: Platform) => new CasePrefetch(() => platform);

  it("on Linux holds the next case's first images as Blobs, and keeps them while that case is shown", async () => {
    const p = prefetchOn("linux");
    await p.warm("c2");
    expect(p.view("c2")?.caseId).toBe("c2");
    const thumb = p.source("c2-front", "thumbnail");
    const display = p.source("c2-front", "display");
    expect(thumb).toMatch(/^blob:/);
    expect(display).toMatch(/^blob:/);
    expect(live).toEqual(new Set([thumb, display]));

    // The reviewer moves on to c2; the prefetch of c3 must not take c2's images away.
    p.adopt("c2");
    await p.warm("c3");
    expect(p.view("c2")?.caseId).toBe("c2");
    expect(p.source("c2-front", "thumbnail")).toBe(thumb);
    expect(live.has(thumb) && live.has(display)).toBe(true);
    expect(live.size).toBe(4);

    // Moving to c3 lets c2's go; a medium that was never prefetched loads from media://.
    p.adopt("c3");
    expect(live.has(thumb) || live.has(display)).toBe(false);
    expect(p.source("c2-front", "thumbnail")).toBe(THUMB("c2-front"));
    expect(p.source("c3-other", "display")).toBe(DISPLAY("c3-other"));

    p.clear();
    expect(live.size).toBe(0);
    expect(p.view("c3")).toBeNull();
  });

  it("opening a case that was not prefetched lets every held Blob go", async () => {
    const p = prefetchOn("linux");
    await p.warm("c2");
    p.adopt("c2");
    await p.warm("c3");
    p.adopt("c9");
    // c3 is still the next one held; c2's are gone.
    expect(live.size).toBe(2);
    expect(p.source("c3-front", "thumbnail")).toMatch(/^blob:/);
  });

  it("a prefetch overtaken by another case keeps nothing", async () => {
    const p = prefetchOn("linux");
    let answer: (v: unknown) => void = () => {};
    ipc.peekCase.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
    const first = p.warm("c2");
    await p.warm("c3");
    answer(caseView({ caseId: "c2" }));
    await first;
    expect(p.view("c2")).toBeNull();
    expect(p.view("c3")?.caseId).toBe("c3");
    expect(live.size).toBe(2);
  });

  it("on Windows and macOS keeps no Blob (WebView2 may write them to its profile): media:// addresses only", async () => {
    for (const platform of ["macos", "windows"] as const) {
      const p = prefetchOn(platform);
      await p.warm("c2");
      p.adopt("c2");
      expect(p.view("c2")?.caseId).toBe("c2");
      expect(p.source("c2-front", "thumbnail")).not.toMatch(/^blob:/);
      expect(URL.createObjectURL).not.toHaveBeenCalled();
      expect(fetch).not.toHaveBeenCalled();
      p.clear();
    }
  });
});
