/* commands.h - every subcommand's entry point; see cli.h for the contract.
 * Declared weak so that a room still being built leaves the rest linkable;
 * main() reports a missing one instead of crashing. */
#ifndef EB_COMMANDS_H
#define EB_COMMANDS_H

#define EB_CMD(name) int cmd_##name(int argc, char **argv) __attribute__((weak))

EB_CMD(init);
EB_CMD(import);
EB_CMD(sync);
EB_CMD(user);
EB_CMD(serve);
EB_CMD(demo);
EB_CMD(backup);
EB_CMD(restore);
EB_CMD(migrate);
EB_CMD(standards);
EB_CMD(mastery);
EB_CMD(fit);
EB_CMD(initiative);
EB_CMD(evaluate);
EB_CMD(sim);
EB_CMD(tool);
EB_CMD(families);
EB_CMD(device);
EB_CMD(tickets);
EB_CMD(teams);
EB_CMD(sso);
EB_CMD(secrets);
EB_CMD(lti);
/* deletion on request (cmd_lti_forget.c): `lti forget`, `tool remove` */
EB_CMD(lti_forget);
EB_CMD(tool_remove);

/* import's own subcommands (argv[0] is the format name) */
EB_CMD(import_oneroster);
EB_CMD(import_csv);
EB_CMD(import_case);

#undef EB_CMD
#endif
