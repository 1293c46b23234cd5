import { S3vAdminTable } from './admin-table';
import { S3vDashboard } from './dashboard';

// Moodle may run a module twice on one page; a second define() would throw.
if (!customElements.get('s3v-dashboard')) customElements.define('s3v-dashboard', S3vDashboard);
if (!customElements.get('s3v-admin-table')) customElements.define('s3v-admin-table', S3vAdminTable);

declare global {
  interface HTMLElementTagNameMap {
    's3v-dashboard': S3vDashboard;
    's3v-admin-table': S3vAdminTable;
  }
}

export { S3vAdminTable, S3vDashboard };
