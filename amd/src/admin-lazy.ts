/** assignsubmission_s3video/admin-lazy: the dashboard and the video table. */
import '../../components/admin/define';
import { stringKeys as keys } from '../../components/strings';

export const tags = ['s3v-dashboard', 's3v-admin-table'];
export const stringKeys = keys('common_', 'dashboard_', 'videos_');
export { CORE_STRING_REQUESTS as coreStrings, useMoodle } from '../../components/moodle-format';
