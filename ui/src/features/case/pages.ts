// The case's media as viewer pages, and the pair the compare view puts side by side.
import type { DocumentView, MediaView } from "../../lib/ipc";

export interface Page {
  doc: DocumentView;
  media: MediaView;
  isVideo: boolean;
}

export function pagesOf(documents: readonly DocumentView[]): Page[] {
  return documents.flatMap((doc) =>
    doc.media.map((media) => ({
      doc,
      media,
      isVideo: media.role === "video" || media.contentType.startsWith("video/"),
    })),
  );
}

/** Documents that carry the holder's portrait. */
const PORTRAIT_DOCS = ["id_card_front", "passport", "home_visit_permit", "foreign_driving_licence"];

/** ID portrait (left) and face image or, failing that, face video (right), when present. */
export function comparePair(pages: readonly Page[]): { portrait?: Page; face?: Page } {
  const portrait = pages.find((p) => !p.isVideo && PORTRAIT_DOCS.includes(p.doc.kind));
  const face =
    pages.find((p) => !p.isVideo && (p.media.role === "face" || p.doc.kind === "face_photo")) ??
    pages.find((p) => p.isVideo);
  return { portrait, face };
}
