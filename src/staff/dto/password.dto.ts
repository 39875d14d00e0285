import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Length, MaxLength } from 'class-validator';

/**
 * A new password: 10 to 256 characters, any of them (spaces too: not trimmed),
 * no rules about digits or symbols (NIST SP 800-63B: length is what counts).
 */
export const NewPassword = () => applyDecorators(IsString(), Length(10, 256, { message: 'password must be 10 to 256 characters long' }));

export class SetPasswordDto {
  @ApiProperty({ description: 'The new password, 10 to 256 characters; never returned or logged', example: 'correct horse battery' })
  @NewPassword()
  password!: string;
}

export class SignInDto {
  @ApiProperty({ example: 'maria' })
  @IsString()
  @IsNotEmpty({ message: 'login must not be blank' })
  @MaxLength(256)
  login!: string;

  @ApiProperty({ example: 'correct horse battery' })
  @IsString()
  @IsNotEmpty({ message: 'password must not be blank' })
  @MaxLength(1024)
  password!: string;
}
