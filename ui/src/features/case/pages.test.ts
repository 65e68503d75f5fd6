import { describe, expect, it } from "vitest";
import { comparePair, pagesOf } from "./pages";
import type { DocumentView, MediaRole } from "../../lib/ipc";

const doc = (index: number, kind: string, role: MediaRole, contentType = "image/jpeg"): DocumentView => ({
  index,
  kind,
  subject: "applicant",
  fields: [],
  media: [{ mediaId: `m${index}`, contentType, role, variants: role === "video" ? ["original"] : ["display", "thumbnail"] }],
});

describe("viewer pages", () => {
  it("lists every medium of every document and spots videos", () => {
    const pages = pagesOf([doc(0, "id_card_front", "image"), doc(1, "face_video", "video", "video/mp4")]);
    expect(pages.map((p) => [p.media.mediaId, p.isVideo])).toEqual([
      ["m0", false],
      ["m1", true],
    ]);
  });

  it("compares the ID portrait with the face photo, else with the face video", () => {
    const withPhoto = pagesOf([doc(0, "id_card_front", "image"), doc(1, "face_video", "video", "video/mp4"), doc(2, "face_photo", "face")]);
    expect(comparePair(withPhoto).portrait?.doc.index).toBe(0);
    expect(comparePair(withPhoto).face?.doc.index).toBe(2);
    const videoOnly = pagesOf([doc(0, "passport", "image"), doc(1, "face_video", "video", "video/mp4")]);
    expect(comparePair(videoOnly).face?.doc.index).toBe(1);
    expect(comparePair(pagesOf([doc(0, "business_licence", "image")]))).toEqual({ portrait: undefined, face: undefined });
  });
});
