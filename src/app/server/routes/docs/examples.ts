/** One curl example per route, shown on /docs (and copied into the README). `$B` is the base URL. */
export const CURL_EXAMPLES: Record<string, string> = {
  'get /health': 'curl -s $B/health',
  'get /moods': 'curl -s $B/moods',
  'get /contexts': 'curl -s $B/contexts',
  'get /map': "curl -s '$B/map?limit=500'",
  'get /tracks': "curl -s '$B/tracks?mood=Happy&q=love&limit=10&offset=0'",
  'get /tracks/{id}': "curl -s '$B/tracks/2H7PHVdQ3mXqEHXcvclTB0'",
  'post /tracks':
    `curl -s -X POST $B/tracks -H "Authorization: Bearer $MOODSCAPE_TOKEN" -H 'content-type: application/json' \\\n  -d '{"tracks":[{"id":"my-track-1","name":"Song","artist":"Band","valence":0.8,"danceability":0.7,"energy":0.9,"acousticness":0.1,"tempo":128,"loudness":-5}]}'`,
  'post /tag':
    `curl -s -X POST $B/tag -H 'content-type: application/json' \\\n  -d '{"tracks":[{"id":"x","valence":0.2,"danceability":0.3,"energy":0.2,"acousticness":0.9,"tempo":70,"loudness":-18}]}'`,
  'get /recommend': "curl -s '$B/recommend?context=workout&target_energy=0.9&min_tempo=120&limit=10'",
  'post /recommend':
    `curl -s -X POST $B/recommend -H 'content-type: application/json' \\\n  -d '{"mood":"Happy","seeds":["2H7PHVdQ3mXqEHXcvclTB0"],"target":{"valence":0.8},"limit":10,"user":"alice"}'`,
  'post /feedback':
    `curl -s -X POST $B/feedback -H "Authorization: Bearer $MOODSCAPE_TOKEN" -H 'content-type: application/json' \\\n  -d '{"user":"alice","trackId":"2H7PHVdQ3mXqEHXcvclTB0","kind":"like"}'`,
  'get /report': 'curl -s $B/report -o report.html',
  'get /openapi.json': 'curl -s $B/openapi.json',
  'get /docs': 'curl -s $B/docs',
};
