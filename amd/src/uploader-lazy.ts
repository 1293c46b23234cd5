/** assignsubmission_s3video/uploader-lazy: the student's uploader (Lit, no Video.js). */
import '../../components/uploader/define';
import { stringKeys as keys } from '../../components/strings';

export const tags = ['s3v-uploader'];
export const stringKeys = keys('common_', 'upload_');
export { CORE_STRING_REQUESTS as coreStrings, useMoodle } from '../../components/moodle-format';
