/** See clock.js: the clinic's one way of writing a time of day, shared by the bot and the desk's page. */
export declare function formatClock(hour: number, minute: number, language: "en" | "fr"): string;
