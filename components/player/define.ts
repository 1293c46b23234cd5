import { S3vPlayer } from './player';

// Moodle may run a module twice on one page; a second define() would throw.
if (!customElements.get('s3v-player')) customElements.define('s3v-player', S3vPlayer);

declare global {
  interface HTMLElementTagNameMap {
    's3v-player': S3vPlayer;
  }
}

export { S3vPlayer };
