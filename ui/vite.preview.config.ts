import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The screens with a fake core, for looking at them without Rust (see preview/preview.ts).
export default defineConfig({
  plugins: [svelte()],
  root: "preview",
  base: "./",
  build: { outDir: "../../target/ui-preview", emptyOutDir: true, target: "safari15" },
});
