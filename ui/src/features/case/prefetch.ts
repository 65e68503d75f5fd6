// The case the "next case" key will open, ahead of the reviewer: its masked view (peeked from
// Rust, not opened: no clock, no audit) and its first images, so moving on shows it without
// waiting for IPC, `media://` and decoding.
//
// `media://` answers are `no-store`, so the webview's HTTP cache cannot keep them, and a new
// `<img>` of the same address goes back through the scheme handler (IPC, vault, decryption).
// On Linux the images are therefore held as Blobs in memory (as the face video already is,
// for another reason) and the viewer shows the Blob URLs: the webview's memory cache then has
// them decoded. On Windows and macOS the decoded `Image` objects are all that is kept: WebView2
// may spill Blobs into its profile directory, which would put decrypted images on disk.
//
// Two cases at most: the one on screen (adopted from the prefetch when it opened, so its Blob
// URLs stay valid while it is shown) and the next one. The desk drops both when it unmounts
// (lock, sign-out), like every other case data.
import { ipc, mediaObjectUrl, mediaUrl, type CaseView, type MediaVariant, type Platform } from "../../lib/ipc";
import { pagesOf } from "./pages";

/** The images the viewer loads when a case opens: every thumbnail and the first page's display image. */
export function firstImages(view: CaseView, platform: Platform | undefined): string[] {
  const pages = pagesOf(view.documents);
  const urls = pages
    .filter((p) => !p.isVideo && p.media.variants.includes("thumbnail"))
    .map((p) => mediaUrl(platform, p.media.mediaId, "thumbnail"));
  const first = pages[0];
  if (first && !first.isVideo) urls.push(mediaUrl(platform, first.media.mediaId, "display"));
  return urls;
}

/** Where the viewer loads a medium from: its `media://` address, or a Blob URL held for it. */
export type MediaSource = (mediaId: string, variant: MediaVariant) => string;

interface Prefetched {
  caseId: string;
  view: CaseView;
  images: HTMLImageElement[];
  /** `media://` address → Blob URL (Linux only). */
  blobs: Map<string, string>;
}

export class CasePrefetch {
  #next: Prefetched | null = null;
  #shown: Prefetched | null = null;
  #pending: string | null = null;
  #platform: () => Platform | undefined;

  constructor(platform: () => Platform | undefined) {
    this.#platform = platform;
  }

  /** Prefetches this case (replacing the next one held); a case that is not ready is left alone. */
  async warm(caseId: string): Promise<void> {
    if (this.#next?.caseId === caseId || this.#shown?.caseId === caseId || this.#pending === caseId) return;
    this.#pending = caseId;
    const superseded = () => this.#pending !== caseId;
    let view: CaseView | null = null;
    try {
      view = await ipc.peekCase(caseId);
    } catch {
      view = null;
    }
    // Superseded by another case, or dropped (language change, the desk went away).
    if (superseded()) return;
    if (!view) {
      this.#pending = null;
      return;
    }
    const platform = this.#platform();
    const urls = firstImages(view, platform);
    const blobs = new Map<string, string>();
    if (platform === "linux") {
      const fetched = await Promise.all(urls.map((u) => mediaObjectUrl(u).catch(() => null)));
      urls.forEach((u, i) => {
        const blob = fetched[i];
        if (blob) blobs.set(u, blob);
      });
      if (superseded()) {
        for (const b of blobs.values()) URL.revokeObjectURL(b);
        return;
      }
    }
    this.#pending = null;
    release(this.#next);
    const images = urls.map((u) => {
      const img = new Image();
      img.decoding = "async";
      img.src = blobs.get(u) ?? u;
      img.decode?.().catch(() => {});
      return img;
    });
    this.#next = { caseId, view, images, blobs };
  }

  /** The prefetched view of this case, or null when another one (or none) is held. */
  view(caseId: string): CaseView | null {
    for (const held of [this.#next, this.#shown]) if (held?.caseId === caseId) return held.view;
    return null;
  }

  /**
   * This case is now on screen: what was prefetched for it stays held while it is shown, and
   * whatever the previous case held is let go.
   */
  adopt(caseId: string | null): void {
    if (this.#shown?.caseId === caseId) return;
    release(this.#shown);
    this.#shown = null;
    if (caseId !== null && this.#next?.caseId === caseId) {
      this.#shown = this.#next;
      this.#next = null;
    }
    if (this.#pending === caseId) this.#pending = null;
  }

  /** The address the viewer loads this medium from. */
  readonly source: MediaSource = (mediaId, variant) => {
    const url = mediaUrl(this.#platform(), mediaId, variant);
    return this.#shown?.blobs.get(url) ?? this.#next?.blobs.get(url) ?? url;
  };

  /** Forgets everything held, and any prefetch under way. */
  clear(): void {
    this.#pending = null;
    release(this.#next);
    release(this.#shown);
    this.#next = null;
    this.#shown = null;
  }
}

function release(p: Prefetched | null) {
  if (!p) return;
  for (const img of p.images) img.removeAttribute("src");
  for (const b of p.blobs.values()) URL.revokeObjectURL(b);
}
