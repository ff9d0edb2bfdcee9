// frostpress on Netlify: keep the render cache between deploys, and tell the
// sidecar when a deploy has published new content.
//
// Netlify's cache utility (utils.cache) restores a directory saved by an
// earlier build; `make build` then renders only the posts that changed.
// onSuccess runs once the deploy is live: if SIDECAR_CONTENT_HOOK_URL and
// CONTENT_HOOK_SECRET are set in the site's environment, it POSTs the
// sidecar's /api/site/content-changed so new posts take comments at once
// (without it the sidecar notices within a minute). A failure there never
// fails the deploy.

const cacheDir = (inputs) => (inputs && inputs.cache_dir) || ".cache";

module.exports = {
  async onPreBuild({ inputs, utils }) {
    const restored = await utils.cache.restore(cacheDir(inputs));
    console.log(restored ? "render cache restored" : "no render cache yet");
  },

  async onPostBuild({ inputs, utils }) {
    const saved = await utils.cache.save(cacheDir(inputs));
    console.log(saved ? "render cache saved" : "no render cache to save");
  },

  async onSuccess() {
    const url = process.env.SIDECAR_CONTENT_HOOK_URL;
    const secret = process.env.CONTENT_HOOK_SECRET;
    if (!url || !secret) {
      console.log("SIDECAR_CONTENT_HOOK_URL or CONTENT_HOOK_SECRET unset: the sidecar polls");
      return;
    }
    try {
      const answer = await fetch(url, {
        method: "POST",
        headers: { Authorization: `Bearer ${secret}` },
        signal: AbortSignal.timeout(15000),
      });
      console.log(`sidecar content hook answered ${answer.status}: ${await answer.text()}`);
    } catch (error) {
      console.log(`sidecar content hook unreachable: ${error}`);
    }
  },
};
