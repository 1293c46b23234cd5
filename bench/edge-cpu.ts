/** `npm run bench` module: CPU ms per request of each route, from a workerd CPU profile (bench/profile-edge.ts). */
import type { Benchmark } from './module';
import { printProfiles, profileRoutes, profileRows } from './profile-edge';

const bench: Benchmark = {
  name: 'edge-cpu',
  description: 'CPU ms per request per route inside workerd (CDP profile), vs ping',
  async run() {
    const summaries = await profileRoutes();
    printProfiles(summaries);
    return profileRows(summaries);
  },
};
export default bench;
