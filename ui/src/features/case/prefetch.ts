// The case the "next case" key will open, ahead of the reviewer: its masked view (peeked from
// Rust, not opened: no clock, no audit) and its first images decoded in memory, so moving on
// shows it without waiting for IPC, `media://` and decoding. `media://` answers are
// `no-store`, so the HTTP cache cannot do this; the kept `Image` objects do. One case at a
// time, and the desk drops it when it unmounts (lock, sign-out), like every other case data.
import { ipc, mediaUrl, type CaseView, type Platform } from "../../lib/ipc";
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

interface Prefetched {
  caseId: string;
  view: CaseView;
  images: HTMLImageElement[];
}

export class CasePrefetch {
  #current: Prefetched | null = null;
  #pending: string | null = null;
  #platform: () => Platform | undefined;

  constructor(platform: () => Platform | undefined) {
    this.#platform = platform;
  }

  /** Prefetches this case (replacing the one held); a case that is not ready is left alone. */
  async warm(caseId: string): Promise<void> {
    if (this.#current?.caseId === caseId || this.#pending === caseId) return;
    this.#pending = caseId;
    let view: CaseView | null = null;
    try {
      view = await ipc.peekCase(caseId);
    } catch {
      view = null;
    }
    // Superseded by another case, or dropped (language change, the desk went away).
    if (this.#pending !== caseId) return;
    this.#pending = null;
    this.#release();
    if (!view) return;
    const images = firstImages(view, this.#platform()).map((src) => {
      const img = new Image();
      img.decoding = "async";
      img.src = src;
      img.decode?.().catch(() => {});
      return img;
    });
    this.#current = { caseId, view, images };
  }

  /** The prefetched view of this case, or null when another one (or none) is held. */
  view(caseId: string): CaseView | null {
    return this.#current?.caseId === caseId ? this.#current.view : null;
  }

  /** Forgets everything held, and any prefetch under way. */
  clear(): void {
    this.#pending = null;
    this.#release();
  }

  #release() {
    for (const img of this.#current?.images ?? []) img.removeAttribute("src");
    this.#current = null;
  }
}
