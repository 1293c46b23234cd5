import { S3vUploader } from './uploader';

// Moodle may run a module twice on one page; a second define() would throw.
if (!customElements.get('s3v-uploader')) customElements.define('s3v-uploader', S3vUploader);

declare global {
  interface HTMLElementTagNameMap {
    's3v-uploader': S3vUploader;
  }
}

export { S3vUploader };
