import tseslint from "typescript-eslint";

/** The rooms' rule (README, Layout): core decides and imports nothing that acts; functions never reach into local mode or the CLI. */
const outsideFunctions = { regex: "(^|/)(local|cli)/", message: "functions/ runs in Lambda: it imports nothing from local/ or cli/." };
const coreBoundary = [
  { regex: "(^|/)aws/", message: "functions/core is pure: AWS calls belong in functions/aws." },
  { regex: "^@aws-sdk/", message: "functions/core is pure: the SDK belongs in functions/aws." },
  outsideFunctions,
];

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "cdk.out/", ".gantry/", "coverage/"] },
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  { files: ["functions/**/*.ts"], rules: { "no-restricted-imports": ["error", { patterns: [outsideFunctions] }] } },
  { files: ["functions/core/**/*.ts"], rules: { "no-restricted-imports": ["error", { patterns: coreBoundary }] } },
  { files: ["**/*.js", "**/*.mjs"], ...tseslint.configs.disableTypeChecked },
);
