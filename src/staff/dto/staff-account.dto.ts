import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { STAFF_ROLES, type StaffRole } from '../../common/auth/staff-roles.js';
import { MayBeOmitted } from '../../common/http/may-be-omitted.js';
import { NewPassword } from './password.dto.js';
import { Trimmed } from '../../common/http/trimmed.js';

/** Text a person reads back (a name, a label): trimmed, not blank, at most 100 characters. */
const NonBlankText = (field: string) =>
  applyDecorators(Trimmed(), IsString(), IsNotEmpty({ message: `${field} must not be blank` }), MaxLength(100));

const ROLE = { enum: [...STAFF_ROLES], description: 'counter, kitchen, driver or manager (see the README for what each may do)' };

export class CreateStaffAccountDto {
  @ApiProperty({ description: 'What the member of staff signs in with: 2 to 64 of a-z, 0-9, ".", "_" and "-"', example: 'maria' })
  @IsString()
  @Matches(/^[a-z0-9._-]{2,64}$/, { message: 'login must be 2 to 64 characters of a-z, 0-9, ".", "_" and "-"' })
  login!: string;

  @ApiProperty({ description: 'The name the timeline shows, e.g. "Confirmed by Maria (counter)"', maxLength: 100, example: 'Maria' })
  @NonBlankText('name')
  name!: string;

  @ApiProperty({ ...ROLE, example: 'counter' })
  @IsIn(STAFF_ROLES, { message: `role must be one of ${STAFF_ROLES.join(', ')}` })
  role!: StaffRole;

  @ApiPropertyOptional({
    description: 'For signing in to the web UI, 10 to 256 characters; without one the account uses personal API tokens only',
    example: 'correct horse battery',
  })
  @MayBeOmitted()
  @NewPassword()
  password?: string;
}

export class ChangeStaffAccountDto {
  @ApiPropertyOptional({ ...ROLE, example: 'manager' })
  @MayBeOmitted()
  @IsIn(STAFF_ROLES, { message: `role must be one of ${STAFF_ROLES.join(', ')}` })
  role?: StaffRole;

  @ApiPropertyOptional({ description: 'false locks the account out: its tokens stop working on the next request', example: false })
  @MayBeOmitted()
  @IsBoolean()
  enabled?: boolean;
}

export class CreateStaffTokenDto {
  @ApiProperty({ description: 'What the token is for, to tell it apart in the list', maxLength: 100, example: 'kitchen wall screen' })
  @NonBlankText('label')
  label!: string;
}
