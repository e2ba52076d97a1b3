-- An illustrative factor set so that a new installation shows the CO2e
-- section. It is NOT verified: the values must be checked against the named
-- source (or replaced by a verified set) before a funder relies on them, and
-- the report says so while verified = 0.
INSERT INTO `co2e_factor_sets` (`id`, `name`, `version`, `source`, `verified`, `notes`) VALUES (1, 'Illustrative electronics factors', '0.1', 'US EPA Waste Reduction Model (WARM), electronics materials; values to be checked against the current WARM release', 0, 'Avoided emissions in kg CO2e per kg diverted; reuse counts the manufacture of a new device avoided.');
--> statement-breakpoint
INSERT INTO `co2e_factors` (`set_id`, `material`, `pathway`, `unit`, `value`) VALUES (1, 'default', 'recycling', 'kgCO2e/kg', 0.8);
--> statement-breakpoint
INSERT INTO `co2e_factors` (`set_id`, `material`, `pathway`, `unit`, `value`) VALUES (1, 'default', 'reuse', 'kgCO2e/kg', 20.0);
--> statement-breakpoint
INSERT INTO `co2e_factors` (`set_id`, `material`, `pathway`, `unit`, `value`) VALUES (1, 'laptop', 'reuse', 'kgCO2e/kg', 60.0);
--> statement-breakpoint
INSERT INTO `co2e_factors` (`set_id`, `material`, `pathway`, `unit`, `value`) VALUES (1, 'desktop', 'reuse', 'kgCO2e/kg', 20.0);
--> statement-breakpoint
INSERT INTO `co2e_factors` (`set_id`, `material`, `pathway`, `unit`, `value`) VALUES (1, 'monitor', 'reuse', 'kgCO2e/kg', 40.0);
