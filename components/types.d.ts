/** Video.js without its HLS/DASH engine (a third of the size): submissions are plain progressive files. */
declare module 'video.js/core.es.js' {
  import videojs from 'video.js';
  export default videojs;
}

/** Stylesheets are bundled as text (esbuild `text` loader) and adopted into shadow roots. */
declare module '*.css' {
  const text: string;
  export default text;
}
