/**
 * The production build's Content-Security-Policy, shipped as a <meta> tag that a small Vite
 * plugin puts first in index.html's <head> (the app is static files: no server to send a
 * header). No inline script runs: scripts come from the site itself only, plus
 * 'wasm-unsafe-eval', which WebAssembly compilation (tfjs's wasm backend) needs; workers
 * come from the site or blob: URLs; fetches (data, teachers, wasm) go to the site only.
 * The plugin also fails the build if index.html still holds an inline script.
 */
import type { Plugin } from 'vite';

export const CSP_DIRECTIVES: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'worker-src': ["'self'", 'blob:'],
  'connect-src': ["'self'"],
  // Thumbnails and chart exports are drawn to canvases and shown as data: or blob: images.
  'img-src': ["'self'", 'data:', 'blob:'],
  // React and recharts set style attributes; no stylesheet comes from elsewhere.
  'style-src': ["'self'", "'unsafe-inline'"],
  'font-src': ["'self'"],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
};

export function contentSecurityPolicy(directives: Record<string, string[]> = CSP_DIRECTIVES): string {
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/** `<script>` elements with a body and no src: what the policy forbids. */
export function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].filter(([, attrs, body]) => !/\bsrc\s*=/.test(attrs) && body.trim() !== '').map(([whole]) => whole.slice(0, 120));
}

/** Vite plugin: the CSP meta tag in the built index.html (not in dev, where Vite's client is inline). */
export function cspPlugin(): Plugin {
  return {
    name: 'refilled-content-security-policy',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        const inline = inlineScripts(html);
        if (inline.length > 0) throw new Error(`index.html has inline scripts, which the Content-Security-Policy blocks: ${inline.join(' | ')}`);
        return [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy() }, injectTo: 'head-prepend' }];
      },
    },
  };
}
