import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The built files are embedded in the guichet binary (see src/web/), which
// serves them at the root; in development, `npm run dev` proxies the API to a
// running `guichet serve` on :8080.
export default defineConfig({
  plugins: [react()],
  // The build system sets GUICHET_WEB_OUT to a folder of the build directory.
  build: {
    outDir: process.env.GUICHET_WEB_OUT ?? "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    proxy: {
      "/api": { target: "http://127.0.0.1:8080", ws: true },
    },
  },
});
