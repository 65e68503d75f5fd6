import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { render, screen } from "@testing-library/svelte";
import FaceVideo from "./FaceVideo.svelte";
import { i18n } from "../../lib/i18n/index.svelte";

describe("FaceVideo", () => {
  const created: string[] = [];
  const revoked: string[] = [];
  beforeEach(() => {
    i18n.locale = "en";
    created.length = 0;
    revoked.length = 0;
    URL.createObjectURL = vi.fn(() => {
      const url = `blob:test/${created.length}`;
      created.push(url);
      return url;
    });
    URL.revokeObjectURL = vi.fn((url: string) => void revoked.push(url));
    globalThis.fetch = vi.fn(async () => new Response(new Blob(["video"], { type: "video/mp4" }))) as typeof fetch;
  });
  afterEach(() => vi.restoreAllMocks());

  it("on Linux plays from a Blob fetched through media://, revoked when the case closes", async () => {
    const { unmount } = render(FaceVideo, { mediaId: "m-video", platform: "linux", userId: "u-1" });
    await vi.waitFor(() => expect(screen.getByTestId("face-video").getAttribute("src")).toBe("blob:test/0"));
    expect(globalThis.fetch).toHaveBeenCalledWith("media://localhost/m-video/original", expect.objectContaining({ cache: "no-store" }));
    expect(screen.getByTestId("live-watermark").textContent).toContain("u-1");
    unmount();
    expect(revoked).toEqual(["blob:test/0"]);
  });

  it("on Windows and macOS plays media:// directly (no Blob that WebView2 could spill to disk)", async () => {
    render(FaceVideo, { mediaId: "m-video", platform: "windows", userId: "u-1" });
    await vi.waitFor(() => expect(screen.getByTestId("face-video").getAttribute("src")).toBe("http://media.localhost/m-video/original"));
    expect(globalThis.fetch).not.toHaveBeenCalled();
    expect(created).toEqual([]);
  });
});
