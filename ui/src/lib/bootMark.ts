import { markOnce } from "./marks";

// Imported first by main.tsx: the bundle was parsed and its evaluation began.
markOnce("bundle evaluated");
