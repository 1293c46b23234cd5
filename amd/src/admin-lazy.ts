/** assignsubmission_s3video/admin-lazy: the dashboard and the video table. */
import '../../components/admin/define';
import { stringKeys as keys } from '../../components/strings';

export const tags = ['s3v-dashboard', 's3v-admin-table'];
export const stringKeys = keys('common_', 'dashboard_', 'videos_');
