// The case's media as viewer pages, and the pair the compare view puts side by side.
import type { DocumentView, MediaRef } from "../../lib/ipc";

export interface Page {
  doc: DocumentView;
  media: MediaRef;
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

const PORTRAIT_DOCS = ["id_card_front", "passport", "home_visit_permit", "foreign_driving_licence"];

/** ID portrait (left) and face image or face video (right), when the case has them. */
export function comparePair(pages: readonly Page[]): { portrait?: Page; face?: Page } {
  const portrait =
    pages.find((p) => p.media.role === "portrait") ??
    pages.find((p) => !p.isVideo && PORTRAIT_DOCS.includes(p.doc.kind));
  const face =
    pages.find((p) => p.media.role === "face") ??
    pages.find((p) => !p.isVideo && p.doc.kind === "face_photo") ??
    pages.find((p) => p.isVideo);
  return { portrait, face };
}
