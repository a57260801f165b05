import type { EmulatorKind } from '../kinds.js';
import { dynamodbLocalRecipe } from './dynamodb-local.js';
import { elasticmqRecipe } from './elasticmq.js';
import { kinesisLocalRecipe } from './kinesis-local.js';
import { motoRecipe } from './moto.js';
import type { EmulatorRecipe } from './recipe.js';

/** How to install and start each emulator kind. */
export const RECIPES: Readonly<Record<EmulatorKind, EmulatorRecipe>> = {
  moto: motoRecipe,
  elasticmq: elasticmqRecipe,
  'dynamodb-local': dynamodbLocalRecipe,
  'kinesis-local': kinesisLocalRecipe,
};

export type { EmulatorRecipe, InstallContext, LaunchContext, LaunchSpec } from './recipe.js';
