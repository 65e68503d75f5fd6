import { describe, expect, it } from "vitest";
import { comparePair, pagesOf } from "./pages";
import type { DocumentView } from "../../lib/ipc";

const doc = (docId: string, kind: string, role: "image" | "video" | "portrait" | "face", contentType = "image/jpeg"): DocumentView => ({
  docId,
  kind,
  label: kind,
  media: [{ mediaId: `m-${docId}`, contentType, role }],
});

describe("viewer pages", () => {
  it("lists every medium of every document and spots videos", () => {
    const pages = pagesOf([doc("d1", "id_card_front", "image"), doc("d2", "face_video", "video", "video/mp4")]);
    expect(pages.map((p) => [p.media.mediaId, p.isVideo])).toEqual([
      ["m-d1", false],
      ["m-d2", true],
    ]);
  });

  it("compares the ID portrait with the face photo, else with the face video", () => {
    const withPhoto = pagesOf([doc("d1", "id_card_front", "image"), doc("d2", "face_video", "video", "video/mp4"), doc("d3", "face_photo", "image")]);
    expect(comparePair(withPhoto).portrait?.doc.docId).toBe("d1");
    expect(comparePair(withPhoto).face?.doc.docId).toBe("d3");
    const videoOnly = pagesOf([doc("d1", "passport", "image"), doc("d2", "face_video", "video", "video/mp4")]);
    expect(comparePair(videoOnly).face?.doc.docId).toBe("d2");
    const roles = pagesOf([doc("d1", "x", "portrait"), doc("d2", "y", "face")]);
    expect(comparePair(roles)).toMatchObject({ portrait: { doc: { docId: "d1" } }, face: { doc: { docId: "d2" } } });
  });
});
