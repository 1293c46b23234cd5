import { unsafeCSS } from 'lit';
import videojsCss from 'video.js/dist/video-js.min.css';

/**
 * Video.js's own stylesheet, adopted into the player's shadow root only: it
 * never reaches Moodle's page, and Moodle's theme (or Moodle's own, older
 * Video.js CSS) never reaches in. The build drops its @font-face, which
 * shadow roots ignore anyway (the player uses SVG icons instead).
 */
export const videojsStyles = unsafeCSS(videojsCss);
