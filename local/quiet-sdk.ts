// The SDK warns on every Node 20 process that its releases from 2027 need Node 22; local mode
// runs on Node 20 by design (Lambda runs nodejs22.x), so the warning is noise here. Imported
// first, before any SDK client exists.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
